package client

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// minSecretLen is the shortest value worth redacting: anything shorter
// would blank out ordinary words and numbers and hides little.
const minSecretLen = 4

// minEncodedLen is the shortest piece of a base64 encoding that is
// redacted on its own (the middle of a secret inside a larger blob).
const minEncodedLen = 8

// Redactor knows every secret of a flow and removes each of them from text
// in every encoding it takes on the wire or in a log: raw, JSON-escaped
// (with and without Go's HTML escaping, and ASCII-only), URL-encoded (query
// and path forms), base64 in the standard and URL alphabets with and
// without padding (of the secret alone and, for Basic, of
// client_id:secret), and the middle of a base64 blob the secret sits in at
// any alignment. The zero value is ready; it is safe for concurrent use.
//
// A redacted secret reads "[•••• (12 chars)]"; a token shows a short hash
// of itself ("[sha256:3f9a1c… (812 chars)]"), which tells tokens apart.
type Redactor struct {
	mu sync.Mutex
	// shown maps each secret to what stands in for it.
	shown    map[string]string
	replacer *strings.Replacer // built lazily; nil after each Add
}

// Add notes a secret a person chose or reads (password, client secret,
// binding code): it is shown by its length alone.
func (r *Redactor) Add(secret string) { r.add(secret, mask(secret)) }

// AddToken notes a token: it may be shown by its first characters.
func (r *Redactor) AddToken(token string) { r.add(token, Fingerprint(token)) }

// AddBasic notes the credentials of a Basic Authorization: the secret,
// and client_id:secret in every encoding (the header value as sent).
func (r *Redactor) AddBasic(clientID, secret string) {
	if secret == "" {
		return
	}
	r.Add(secret)
	shown := mask(secret)
	if clientID != "" && strings.Trim(clientID, fingerprintChars) == "" {
		shown = clientID + ":" + shown
	}
	r.add(clientID+":"+secret, shown)
}

// AddAuth notes the secret of an Authorization.
func (r *Redactor) AddAuth(a Auth) {
	switch a := a.(type) {
	case BasicAuth:
		r.AddBasic(a.ClientID, a.ClientSecret)
	case *BasicAuth:
		r.AddBasic(a.ClientID, a.ClientSecret)
	case BearerAuth:
		r.AddToken(a.Token)
	case *BearerAuth:
		r.AddToken(a.Token)
	}
}

func (r *Redactor) add(secret, shown string) {
	if r == nil || len(secret) < minSecretLen {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.shown == nil {
		r.shown = map[string]string{}
	}
	if _, ok := r.shown[secret]; ok {
		return
	}
	r.shown[secret] = "[" + Sanitize(shown) + "]"
	r.replacer = nil
}

// Redact returns s with every known secret, in every encoding, replaced.
// A nil Redactor returns s unchanged.
func (r *Redactor) Redact(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.Lock()
	rep := r.replacer
	if rep == nil && len(r.shown) > 0 {
		rep = r.build()
		r.replacer = rep
	}
	r.mu.Unlock()
	if rep == nil {
		return s
	}
	return rep.Replace(s)
}

// build makes one replacer of every variant of every secret, longest
// first: strings.Replacer tries its pairs in order at each position, so a
// whole Basic value wins over the secret inside it.
func (r *Redactor) build() *strings.Replacer {
	type pair struct{ old, new string }
	seen := map[string]bool{}
	var pairs []pair
	for secret, shown := range r.shown {
		for _, v := range Variants(secret) {
			if !seen[v] {
				seen[v] = true
				pairs = append(pairs, pair{v, shown})
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if len(pairs[i].old) != len(pairs[j].old) {
			return len(pairs[i].old) > len(pairs[j].old)
		}
		return pairs[i].old < pairs[j].old
	})
	args := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		args = append(args, p.old, p.new)
	}
	return strings.NewReplacer(args...)
}

// Variants lists the forms secret takes in text: raw, sanitised, every
// JSON escaping, URL encodings, and base64 whole and as the stable middle
// of a larger base64 blob. Forms shorter than the secret's own minimum are
// left out so short encodings do not blank out unrelated text.
func Variants(secret string) []string {
	if len(secret) < minSecretLen {
		return nil
	}
	out := []string{secret}
	add := func(v string) {
		if len(v) >= minSecretLen {
			out = append(out, v)
		}
	}
	add(Sanitize(secret))
	add(SanitizeMultiline(secret))
	for _, j := range jsonForms(secret) {
		add(j)
	}
	add(url.QueryEscape(secret))
	add(url.PathEscape(secret))
	add(strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		add(enc.EncodeToString([]byte(secret)))
	}
	for _, core := range base64Cores(secret) {
		if len(core) >= minEncodedLen {
			out = append(out, core, strings.NewReplacer("+", "-", "/", "_").Replace(core))
		}
	}
	return out
}

// jsonForms are the inside of a JSON string holding secret, as encoders
// write it: Go's default (HTML characters as \u003c) and without HTML
// escaping; each also ASCII-only with every other character as \uXXXX
// (Python's default), with upper case hex, and with '/' as '\/' (PHP).
func jsonForms(secret string) []string {
	quoted, _ := json.Marshal(secret)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	var forms []string
	for _, base := range []string{unquote(quoted), unquote(bytes.TrimRight(plain.Bytes(), "\n"))} {
		for _, f := range []string{base, asciiOnly(base)} {
			forms = append(forms, f, upperHexEscapes(f), strings.ReplaceAll(f, "/", `\/`), strings.ReplaceAll(upperHexEscapes(f), "/", `\/`))
		}
	}
	return forms
}

// asciiOnly escapes every non-ASCII character of JSON string contents as
// \uXXXX (a surrogate pair above U+FFFF).
func asciiOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < utf8.RuneSelf {
			b.WriteRune(c)
			continue
		}
		if c > 0xffff {
			c -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(c>>10), 0xdc00+(c&0x3ff))
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, c)
	}
	return b.String()
}

func unquote(b []byte) string {
	s := string(b)
	if len(s) >= 2 {
		s = s[1 : len(s)-1]
	}
	return s
}

// upperHexEscapes writes the hex digits of \uXXXX escapes in upper case.
func upperHexEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] == 'u' && i+6 <= len(s) {
			b.WriteString(`\u` + strings.ToUpper(s[i+2:i+6]))
			i += 5
			continue
		}
		b.WriteString(s[i : i+2])
		i++
	}
	return b.String()
}

// base64Cores are the characters of a base64 encoding that depend on the
// secret alone, for each of the three alignments it can have inside a
// longer encoded value: the groups touched by what comes before or after
// are cut off.
func base64Cores(secret string) []string {
	var out []string
	for k := 0; k < 3; k++ {
		data := append(make([]byte, k), secret...)
		enc := base64.RawStdEncoding.EncodeToString(data)
		start := 0
		if k > 0 {
			start = 4 // the first group mixes in k bytes of what came before
		}
		end := (len(data) / 3) * 4 // full groups only: the tail mixes in what follows
		if end > start {
			out = append(out, enc[start:end])
		}
	}
	return out
}
