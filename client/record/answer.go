package record

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"unicode"
	"unicode/utf8"
)

// This file is the key rule the client and the redactor share: whatever
// field the client takes from a body (client's decodeObject and field),
// the recorder and the redactor have learnt from the same body, under the
// same key rule (FoldKey), before anything is recorded or printed.

// FoldKey is how a field name is matched, by the client and the redactor
// alike: encoding/json's rule for struct fields (ASCII case, and Unicode
// simple folding: "MFA_Token", "Mfa_token" and "mfa_token" are one key).
func FoldKey(k string) string {
	out := make([]byte, 0, len(k))
	for i := 0; i < len(k); {
		if c := k[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(k[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return string(out)
}

// foldRune is the smallest rune of r's fold set, as encoding/json folds;
// ASCII letters fold to lower case (the secret key names are).
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			if r2 >= 'A' && r2 <= 'Z' {
				r2 += 'a' - 'A'
			}
			return r2
		}
		r = r2
	}
}

// isSecret reports whether a field's value is a secret: key is matched by
// FoldKey; top says the field is at the top of a request body.
func isSecret(key string, topOfRequest bool) bool {
	f := FoldKey(key)
	return secretKeys[f] || (topOfRequest && requestSecretKeys[f])
}

// isMasked reports whether a secret field is one people choose or read.
func isMasked(key string) bool { return maskedKeys[FoldKey(key)] }

// NoteSecrets teaches rd the secret fields of a body (a request when
// request is set, where "code" is an authorization code), whatever its
// shape: every JSON value in it, bytes after them or not, every value of
// a key repeated, keys in any case; or form-encoded pairs
// (access_token=…&refresh_token=…).
func NoteSecrets(rd *Redactor, body []byte, request bool) {
	if rd == nil || len(body) == 0 {
		return
	}
	if noteJSON(rd, body, request) {
		return
	}
	noteForm(rd, body)
	noteLoose(rd, body)
}

// looseToken finds a token named in text that is neither JSON nor a form
// (an HTML page, a plain-text error, a log line echoed back):
// "access_token: X", "refresh_token=X", name="access_token" value="X".
var looseToken = regexp.MustCompile(`(?i)(access_token|refresh_token|id_token|mfa_token|oob_code)(?:["']?\s*[:=]\s*["']?|["']?\s+value=["']?)([A-Za-z0-9._~+/=-]{16,})`)

// noteLoose learns the tokens looseToken finds: only long runs after a
// token's name, so that ordinary words are not taken for secrets.
func noteLoose(rd *Redactor, body []byte) {
	for _, m := range looseToken.FindAllSubmatch(body, 64) {
		rd.AddToken(string(m[2]))
	}
}

func learn(rd *Redactor, key, value string) {
	if isMasked(key) {
		rd.Add(value)
	} else {
		rd.AddToken(value)
	}
	// The client trims what it takes: learn that form too.
	if t := string(bytes.TrimSpace([]byte(value))); t != value {
		learn(rd, key, t)
	}
}

// noteJSON walks the JSON tokens of body and learns each secret field's
// string value; it reports whether body started as JSON.
func noteJSON(rd *Redactor, body []byte, request bool) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object, wantKey bool
		key             string
	}
	var stack []frame
	started := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return started
		}
		started = true
		value := func() {
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, frame{object: t == '{', wantKey: t == '{'})
			default:
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				value()
			}
		case string:
			n := len(stack)
			if n > 0 && stack[n-1].object && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = t, false
				continue
			}
			if n > 0 && stack[n-1].object && isSecret(stack[n-1].key, request && n == 1) {
				learn(rd, stack[n-1].key, t)
			}
			value()
		default:
			value()
		}
	}
}

// noteForm learns the secret fields of a form-encoded body.
func noteForm(rd *Redactor, body []byte) {
	q, _ := url.ParseQuery(string(bytes.TrimSpace(body)))
	for k, vs := range q {
		if isSecret(k, false) {
			for _, v := range vs {
				learn(rd, k, v)
			}
		}
	}
}
