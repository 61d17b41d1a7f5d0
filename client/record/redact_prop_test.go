package record

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tokenbench/tokenbench/textsafe"
)

// An echoing server, a proxy or a WAF reflects the request back in some
// encoding: each encoder below is one of them.
type encoder struct {
	name string
	// layers is single or nested (one encoding inside another).
	layers int
	enc    func(s string, rnd *rand.Rand) string
	// blob: a binary-to-text encoding the redactor decodes as a layer;
	// text cut inside one is not promised (see RedactCut).
	blob bool
}

const (
	single = 1
	nested = 2
)

func jsonInner(s string, escapeHTML bool) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(escapeHTML)
	_ = e.Encode(s)
	out := strings.TrimSpace(b.String())
	return out[1 : len(out)-1]
}

// perRune applies f to each rune's UTF-8 bytes or to the rune.
func perRune(s string, f func(r rune, raw string, rnd *rand.Rand) string, rnd *rand.Rand) string {
	var b strings.Builder
	for i, r := range s {
		b.WriteString(f(r, s[i:i+utf8.RuneLen(r)], rnd))
	}
	return b.String()
}

func pctBytes(raw, format string) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		fmt.Fprintf(&b, format, raw[i])
	}
	return b.String()
}

func uEscape(r rune, upper bool) string {
	f := `\u%04x`
	if upper {
		f = `\u%04X`
	}
	if r > 0xffff {
		r -= 0x10000
		return fmt.Sprintf(f+f, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
	}
	return fmt.Sprintf(f, r)
}

// encodeURIComponent is JavaScript's: A-Z a-z 0-9 - _ . ! ~ * ' ( ) kept.
func encodeURIComponent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

var namedEntities = map[rune]string{'"': "&quot;", '\'': "&apos;", '&': "&amp;", '<': "&lt;", '>': "&gt;", ' ': "&nbsp;", 'é': "&eacute;", '/': "&sol;", '=': "&equals;"}

// unitEncodings are the ways one character is written by some layer.
var unitEncodings = []func(r rune, raw string) string{
	func(r rune, raw string) string { return raw },
	func(r rune, raw string) string { return pctBytes(raw, "%%%02X") },
	func(r rune, raw string) string { return pctBytes(raw, "%%%02x") },
	func(r rune, raw string) string { return fmt.Sprintf("&#%d;", r) },
	func(r rune, raw string) string { return fmt.Sprintf("&#x%x;", r) },
	func(r rune, raw string) string { return fmt.Sprintf("&#X%X;", r) },
	func(r rune, raw string) string { return uEscape(r, false) },
	func(r rune, raw string) string { return uEscape(r, true) },
	func(r rune, raw string) string {
		if n, ok := namedEntities[r]; ok {
			return n
		}
		return raw
	},
}

var encoders = []encoder{
	{"raw", single, func(s string, _ *rand.Rand) string { return s }, false},
	{"json go", single, func(s string, _ *rand.Rand) string { return jsonInner(s, true) }, false},
	{"json no html", single, func(s string, _ *rand.Rand) string { return jsonInner(s, false) }, false},
	{"json ascii", single, func(s string, _ *rand.Rand) string { return asciiOnly(jsonInner(s, false)) }, false},
	{"json ascii upper", single, func(s string, _ *rand.Rand) string { return upperHexEscapes(asciiOnly(jsonInner(s, true))) }, false},
	{"json php", single, func(s string, _ *rand.Rand) string {
		return strings.ReplaceAll(asciiOnly(jsonInner(s, false)), "/", `\/`)
	}, false},
	{"html", single, func(s string, _ *rand.Rand) string { return html.EscapeString(s) }, false},
	{"html decimal", single, func(s string, rnd *rand.Rand) string {
		return perRune(s, func(r rune, _ string, _ *rand.Rand) string { return fmt.Sprintf("&#%d;", r) }, rnd)
	}, false},
	{"html hex", single, func(s string, rnd *rand.Rand) string {
		return perRune(s, func(r rune, _ string, _ *rand.Rand) string { return fmt.Sprintf("&#x%x;", r) }, rnd)
	}, false},
	{"html named", single, func(s string, rnd *rand.Rand) string {
		return perRune(s, func(r rune, raw string, _ *rand.Rand) string { return unitEncodings[len(unitEncodings)-1](r, raw) }, rnd)
	}, false},
	{"query", single, func(s string, _ *rand.Rand) string { return url.QueryEscape(s) }, false},
	{"path", single, func(s string, _ *rand.Rand) string { return url.PathEscape(s) }, false},
	{"encodeURIComponent", single, func(s string, _ *rand.Rand) string { return encodeURIComponent(s) }, false},
	{"percent lower", single, func(s string, _ *rand.Rand) string {
		return strings.ToLower(encodeURIComponent(strings.ToUpper(s)))[:0] + lowerEscapes(encodeURIComponent(s))
	}, false},
	{"percent every byte", single, func(s string, _ *rand.Rand) string { return pctBytes(s, "%%%02x") }, false},
	{"mix per character", single, func(s string, rnd *rand.Rand) string {
		// Escape characters themselves are escaped: no encoder leaves a
		// raw backslash, '%' or '&' before text it escapes with them.
		return perRune(s, func(r rune, raw string, rnd *rand.Rand) string {
			out := unitEncodings[rnd.IntN(len(unitEncodings))](r, raw)
			if out == raw && strings.ContainsRune(`\%&`, r) {
				out = pctBytes(raw, "%%%02X")
			}
			return out
		}, rnd)
	}, false},
	{"json of query", nested, func(s string, _ *rand.Rand) string { return jsonInner(url.QueryEscape(s), true) }, false},
	{"html of json", nested, func(s string, _ *rand.Rand) string { return html.EscapeString(jsonInner(s, true)) }, false},
	{"query of json", nested, func(s string, _ *rand.Rand) string { return url.QueryEscape(jsonInner(s, false)) }, false},
	{"json of json", nested, func(s string, _ *rand.Rand) string { return jsonInner(jsonInner(s, true), true) }, false},
	{"html of html", nested, func(s string, _ *rand.Rand) string { return html.EscapeString(html.EscapeString(s)) }, false},
	{"query of query", nested, func(s string, _ *rand.Rand) string { return url.QueryEscape(url.QueryEscape(s)) }, false},
	{"sanitised", single, func(s string, _ *rand.Rand) string { return textsafe.Sanitize(s) }, false},
	{"base64", single, func(s string, _ *rand.Rand) string { return base64.StdEncoding.EncodeToString([]byte(s)) }, false},
	{"wrapped at 16 columns", single, func(s string, _ *rand.Rand) string { return wrap(s, 16, "\r\n") }, false},
	{"base64 wrapped", single, func(s string, _ *rand.Rand) string {
		return wrap(base64.StdEncoding.EncodeToString([]byte(s)), 8, "\n")
	}, false},
	{"base64url raw", single, func(s string, _ *rand.Rand) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }, false},
	{"percent-u", single, func(s string, rnd *rand.Rand) string {
		return perRune(s, func(r rune, _ string, _ *rand.Rand) string { return pctU(r) }, rnd)
	}, false},
	{"NFD", single, func(s string, _ *rand.Rand) string { return norm.NFD.String(s) }, false},
	{"NFD in JSON", single, func(s string, _ *rand.Rand) string { return asciiOnly(jsonInner(norm.NFD.String(s), true)) }, false},
	{"latin-1 percent", single, func(s string, _ *rand.Rand) string {
		if l, ok := latin1(s); ok {
			return pctBytes(l, "%%%02X")
		}
		return pctBytes(s, "%%%02X")
	}, false},
	{"hex", single, func(s string, _ *rand.Rand) string { return hex.EncodeToString([]byte(s)) }, true},
	{"HEX", single, func(s string, _ *rand.Rand) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }, true},
	{"utf-16 hex", single, func(s string, _ *rand.Rand) string { return hex.EncodeToString(utf16BE(s)) }, true},
	{"base32", single, func(s string, _ *rand.Rand) string { return base32.StdEncoding.EncodeToString([]byte(s)) }, true},
	{"base64 of base64", single, func(s string, _ *rand.Rand) string {
		return base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(s))))
	}, true},
	{"base64 of json", single, func(s string, _ *rand.Rand) string {
		return base64.StdEncoding.EncodeToString([]byte(jsonInner(s, true)))
	}, true},
	{"hex of base64", single, func(s string, _ *rand.Rand) string {
		return hex.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(s))))
	}, true},
	// Grouped for people to read: the separators are left out as line
	// breaks are.
	{"hex in groups of 8", single, func(s string, _ *rand.Rand) string { return group(hex.EncodeToString([]byte(s)), 8, " ", "") }, true},
	{"hex dump", single, func(s string, _ *rand.Rand) string {
		// Bytes apart, sixteen a line.
		var b strings.Builder
		for i, c := range []byte(s) {
			if i > 0 {
				b.WriteString(map[bool]string{true: "\n", false: " "}[i%16 == 0])
			}
			fmt.Fprintf(&b, "%02x", c)
		}
		return b.String()
	}, true},
	{"hex with colons", single, func(s string, _ *rand.Rand) string {
		return strings.ToUpper(group(hex.EncodeToString([]byte(s)), 2, ":", ""))
	}, true},
	{"hex 0x list", single, func(s string, _ *rand.Rand) string { return group(hex.EncodeToString([]byte(s)), 2, ", ", "0x") }, true},
	{"hex =XX", single, func(s string, _ *rand.Rand) string {
		return strings.ToUpper(group(hex.EncodeToString([]byte(s)), 2, "", "="))
	}, true},
	{"base64 in groups of 4", single, func(s string, _ *rand.Rand) string {
		return group(base64.StdEncoding.EncodeToString([]byte(s)), 4, " ", "")
	}, true},
	{"base32 lower", single, func(s string, _ *rand.Rand) string {
		return strings.ToLower(base32.StdEncoding.EncodeToString([]byte(s)))
	}, true},
	{"octal escapes", single, func(s string, _ *rand.Rand) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			fmt.Fprintf(&b, `\%03o`, c)
		}
		return b.String()
	}, false},
}

// group writes s in groups of n, each with prefix before it and sep
// between.
func group(s string, n int, sep, prefix string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(prefix + s[i:min(len(s), i+n)])
	}
	return b.String()
}

func pctU(r rune) string {
	if r > 0xffff {
		r -= 0x10000
		return fmt.Sprintf("%%u%04X%%u%04X", 0xd800+(r>>10), 0xdc00+(r&0x3ff))
	}
	return fmt.Sprintf("%%u%04X", r)
}

func utf16BE(s string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = append(b, byte(c>>8), byte(c))
	}
	return b
}

// wrap breaks s every n bytes, as a mailer or a page breaks long words.
func wrap(s string, n int, br string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteString(br)
		}
		b.WriteString(s[i:min(len(s), i+n)])
	}
	return b.String()
}

func lowerEscapes(s string) string {
	return regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(s, strings.ToLower)
}

// contexts are the bodies the echo sits in.
var contexts = []struct{ name, before, after string }{
	{"json", `{"error":{"code":"blocked","message":"you sent: `, `"}}`},
	{"html", `<html><body><p class="echo">You sent `, ` which we blocked.</p></body></html>`},
	{"text", "Request rejected. body=", " ; ref 42"},
	{"form", "grant_type=password&password=", "&audience=x"},
}

var secretAlphabet = []rune(`abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !"#$%&'()*+,-./:;<=>?@[\]^_{|}~éöß€😀`)

func randomSecret(rnd *rand.Rand) string {
	n := 6 + rnd.IntN(30)
	r := make([]rune, n)
	for i := range r {
		r[i] = secretAlphabet[rnd.IntN(len(secretAlphabet))]
	}
	return strings.TrimSpace(string(r)) + "x"
}

var labelsOnly = regexp.MustCompile(`^(\[(•••• \((\d+ chars|cut)\)|sha256:[0-9a-f]{6}… \(\d+ chars\))\]=*)+$`)

var labelsAtEnd = regexp.MustCompile(`(\[(•••• \((\d+ chars|cut)\)|sha256:[0-9a-f]{6}… \(\d+ chars\))\]=*)+$`)

// checkRedacted reports what of the encoded secret is left in the
// redacted body: between the context's text (of which a redaction may eat
// a few characters at each edge) only labels may stand.
func checkRedacted(t *testing.T, rd *Redactor, secret string, enc encoder, rnd *rand.Rand) {
	t.Helper()
	if enc.layers == nested {
		if _, _, _, changed := decodeUnits(secret, nil, nil, escAll); changed {
			// A secret that itself holds escapes (a literal "&amp;" or
			// "\\u0026") inside two encodings is read one way only when
			// the layers come off in their order, which text does not
			// say: not promised.
			return
		}
	}
	encoded := enc.enc(secret, rnd)
	for _, c := range contexts {
		body := c.before + encoded + c.after
		got := rd.Redact(body)
		mid, ok := middle(got, c.before, c.after)
		if enc.blob {
			// What encodes the inner padding ("=", "==") alone is left.
			mid = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(mid, "PQ=="), "PT0="), "3d3d")
			mid = strings.TrimSuffix(mid, "3d")
			// A grouped blob's first prefix ("0x", "=") is syntax.
			mid = strings.TrimPrefix(strings.TrimPrefix(mid, "0x"), "=")
		}
		if !ok || !(labelsOnly.MatchString(mid) || onlySyntaxLeft(mid)) {
			t.Fatalf("secret %q as %s in %s:\n body %q\n got  %q", secret, enc.name, c.name, body, got)
		}
		if enc.blob {
			continue
		}
		// Cut by a limit anywhere in the encoding: no start of it is left.
		cutAt := len(c.before) + 1 + rnd.IntN(len(encoded))
		cutBody := body[:cutAt]
		got = rd.RedactCut(cutBody)
		mid, ok = middle(got, c.before, "")
		if ok && (labelsOnly.MatchString(mid) || incompleteEscape(labelsAtEnd.ReplaceAllString(mid, ""))) {
			continue
		}
		t.Fatalf("secret %q as %s in %s, cut:\n body %q\n got  %q", secret, enc.name, c.name, cutBody, got)
	}
}

var anyLabel = regexp.MustCompile(`\[(•••• \((\d+ chars|cut)\)|sha256:[0-9a-f]{6}… \(\d+ chars\))\]`)

// onlySyntaxLeft: beside the labels, at most a character or two of an
// encoding's own syntax (the backslash of an escape whose character the
// label took) is left, which says nothing of the secret.
func onlySyntaxLeft(mid string) bool {
	if !anyLabel.MatchString(mid) {
		return false
	}
	rest := anyLabel.ReplaceAllString(mid, "")
	return len(rest) <= 2 && strings.Trim(rest, `\=`) == ""
}

// incompleteEscape is what a cut may leave of the first character of an
// encoding: the start of its escape, which says nothing of the secret.
func incompleteEscape(s string) bool {
	if len(s) >= 12 {
		return false
	}
	d := []byte(s)
	for range maxLayers {
		if len(trimEscapeStarts(d)) == 0 {
			return true
		}
		next, _, _, changed := decodeUnits(string(d), nil, nil, escAll)
		if !changed {
			break
		}
		d = next
	}
	return len(trimEscapeStarts(d)) == 0
}

// trimEscapeStarts cuts escape starts off the end of d while there are.
func trimEscapeStarts(d []byte) []byte {
	for {
		k := -1
		for i := range d {
			if escapeStart(d[i:]) {
				k = i
				break
			}
		}
		if k < 0 {
			return d
		}
		d = d[:k]
	}
}

// middle is what stands between before and after, letting a redaction
// eat up to a few characters of each.
func middle(got, before, after string) (string, bool) {
	for eat := 0; eat <= 8 && eat <= len(before); eat++ {
		if !strings.HasPrefix(got, before[:len(before)-eat]) {
			continue
		}
		rest := got[len(before)-eat:]
		for eat2 := 0; eat2 <= 8 && eat2 <= len(after); eat2++ {
			if strings.HasSuffix(rest, after[eat2:]) {
				return rest[:len(rest)-len(after)+eat2], true
			}
		}
	}
	return "", false
}

func newDecoyRedactor(rnd *rand.Rand) *Redactor {
	rd := &Redactor{}
	for range 20 {
		rd.AddToken(randomSecret(rnd) + randomSecret(rnd))
	}
	return rd
}

// TestRedactorEveryEncodingProperty: random secrets × every encoding a
// server, a proxy or a WAF applies (and mixes, and one inside another),
// inside JSON, HTML, text and form bodies, whole and cut.
func TestRedactorEveryEncodingProperty(t *testing.T) {
	rnd := rand.New(rand.NewPCG(18, 3))
	for range 150 {
		rd := newDecoyRedactor(rnd)
		secret := randomSecret(rnd)
		if rnd.IntN(2) == 0 {
			rd.Add(secret)
		} else {
			rd.AddToken(secret)
		}
		for _, enc := range encoders {
			checkRedacted(t, rd, secret, enc, rnd)
		}
		checkInsideBlob(t, rd, secret, rnd)
	}
}

// FuzzRedactorEncodings: any secret, every encoding.
func FuzzRedactorEncodings(f *testing.F) {
	for _, s := range []string{`O'Brien"2024`, "p<a&s>\"s\\wörd 1/2+3", "%41%2b&amp;\\u0041", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.sig"} {
		f.Add(s, uint64(1))
	}
	f.Fuzz(func(t *testing.T, secret string, seed uint64) {
		secret = strings.ToValidUTF8(textsafe.Sanitize(secret), "")
		if len(secret) < minSecretLen || len(secret) > 200 || strings.ContainsAny(secret, "[]") {
			t.Skip()
		}
		rnd := rand.New(rand.NewPCG(seed, 1))
		rd := &Redactor{}
		rd.Add(secret)
		for _, enc := range encoders {
			checkRedacted(t, rd, secret, enc, rnd)
		}
		checkInsideBlob(t, rd, secret, rnd)
	})
}

// checkInsideBlob: the secret (raw or JSON-escaped) inside a larger blob
// of base64 at each offset, wrapped at 64 or 76 columns (MIME, PEM), and
// of hex: every character that carries a bit of it is gone, whatever
// stands around it.
func checkInsideBlob(t *testing.T, rd *Redactor, secret string, rnd *rand.Rand) {
	t.Helper()
	for _, inner := range []string{secret, jsonInner(secret, true)} {
		for off := range 3 {
			before := strings.Repeat("x", 3*rnd.IntN(20)+off)
			if rnd.IntN(2) == 0 {
				before = "POST /v1/accounts/T1/auth/token HTTP/1.1\r\nAuthorization: Bearer eyJhbGciOi.e30.sig\r\n\r\n{\"password\":\""[:len(before)%40+20]
				before += strings.Repeat("y", (off-len(before)%3+3)%3)
			}
			plain := before + inner + `","note":"` + strings.Repeat("z", rnd.IntN(80)) + `"}`
			a, b := len(before)/3*4, (len(before)+len(inner)+2)/3*4
			for _, e := range []struct {
				name string
				enc  func([]byte) string
				cols int
			}{
				{"base64", base64.StdEncoding.EncodeToString, 0},
				{"base64url raw", base64.RawURLEncoding.EncodeToString, 0},
				{"base64 MIME", base64.StdEncoding.EncodeToString, 76},
				{"base64 PEM", base64.StdEncoding.EncodeToString, 64},
				{"hex", hex.EncodeToString, 0},
			} {
				blob := e.enc([]byte(plain))
				ca, cb := a, b
				if e.name == "hex" {
					ca, cb = 2*len(before), 2*(len(before)+len(inner))
				}
				if e.cols > 0 {
					// Each break before a position shifts it by two.
					ca += 2 * (ca / e.cols)
					cb += 2 * ((cb - 1) / e.cols)
					blob = wrap(blob, e.cols, "\r\n")
				}
				cb = min(cb, len(blob))
				for _, c := range contexts {
					body := c.before + blob + c.after
					got := rd.Redact(body)
					start, end := len(c.before)+ca, len(c.before)+cb
					if !coveredBetween(got, body, start, end) {
						t.Fatalf("secret %q (as %q) at offset %d in %s (%d cols) in %s: chars %d-%d not all redacted:\n body %q\n got  %q",
							secret, inner, len(before), e.name, e.cols, c.name, start, end, body, got)
					}
				}
			}
		}
	}
}

// coveredBetween: got is body with labels standing for a stretch that
// holds all of body[start:end].
func coveredBetween(got, body string, start, end int) bool {
	locs := anyLabel.FindAllStringIndex(got, -1)
	if len(locs) == 0 {
		return false
	}
	for i, l := range locs {
		prefix := got[:l[0]]
		if len(prefix) > start || !strings.HasPrefix(body, prefix) {
			continue
		}
		for _, m := range locs[i:] {
			between := got[l[0]:m[1]]
			if anyLabel.ReplaceAllString(between, "") != "" && strings.Trim(anyLabel.ReplaceAllString(between, ""), "\r\n=") != "" {
				break
			}
			suffix := got[m[1]:]
			if len(body)-len(suffix) >= end && strings.HasSuffix(body, suffix) {
				return true
			}
		}
	}
	return false
}
