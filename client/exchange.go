package client

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Header is one HTTP header line, as recorded (redacted).
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Exchange is one HTTP request and its answer, redacted when it was
// recorded: no secret value is ever held in it, only fingerprints.
type Exchange struct {
	ID       int
	Time     time.Time
	Duration time.Duration
	Method   string
	URL      string

	RequestHeaders []Header
	// RequestBody is the body with secret fields replaced by fingerprints.
	RequestBody string
	// Fields are the request body's fields that are not secret
	// (grant_type, audience, oob_channel, …).
	Fields map[string]string
	// SecretFields names the body fields that were redacted.
	SecretFields []string
	// BasicUser is the client id of a Basic Authorization (not secret).
	BasicUser string
	// AuthScheme is "Basic", "Bearer" or "".
	AuthScheme string

	Status          int
	ResponseHeaders []Header
	ResponseBody    string
	ContentType     string
	// ErrorCode is the error code of an error answer, if any.
	ErrorCode string
	// Err is a transport failure (no answer).
	Err string
}

// secretKeys are JSON fields whose values are secrets, in requests and
// answers alike.
var secretKeys = map[string]bool{
	"password": true, "client_secret": true, "binding_code": true, "mfa_token": true,
	"oob_code": true, "refresh_token": true, "access_token": true, "id_token": true,
}

// maskedKeys are secrets people choose or read (passwords, codes): not
// even their first characters are shown, only their length.
var maskedKeys = map[string]bool{"password": true, "client_secret": true, "binding_code": true, "code": true}

// mask names a secret by its length alone.
func mask(secret string) string { return fmt.Sprintf("•••• (%d chars)", len(secret)) }

// fingerprintFor is a token's fingerprint, or a chosen secret's mask.
func fingerprintFor(key, value string) string {
	if maskedKeys[key] {
		return mask(value)
	}
	return Fingerprint(value)
}

// requestSecretKeys are secret only at the top of a request body: "code"
// is the authorization code there, but an error's code in an answer;
// "token" is the refresh token a revoke sends.
var requestSecretKeys = map[string]bool{"code": true, "token": true}

func isSecret(key string, topOfRequest bool) bool {
	return secretKeys[key] || (topOfRequest && requestSecretKeys[key])
}

// Recorder keeps the exchanges of a client, redacted. Use it as the
// client's transport through Wrap.
type Recorder struct {
	// OnExchange, when set, is called with each exchange as it completes
	// (the CLI's -v).
	OnExchange func(Exchange)
	// Max bounds how many exchanges are kept (default 500).
	Max int
	// Now stamps exchanges (default time.Now); tests fix it.
	Now func() time.Time

	mu        sync.Mutex
	exchanges []Exchange
	next      int
}

// Exchanges returns the recorded exchanges, oldest first.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Exchange, len(r.exchanges))
	copy(out, r.exchanges)
	return out
}

// Wrap returns a transport that records through r.
func (r *Recorder) Wrap(rt http.RoundTripper) http.RoundTripper {
	return &recordingTransport{rec: r, next: rt}
}

type recordingTransport struct {
	rec  *Recorder
	next http.RoundTripper
}

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(io.LimitReader(req.Body, MaxBodySize))
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	now := t.rec.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	res, err := t.next.RoundTrip(req)
	d := now().Sub(start)
	var resBody []byte
	if err == nil {
		resBody, _ = io.ReadAll(io.LimitReader(res.Body, MaxBodySize+1))
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(resBody))
	}
	t.rec.add(buildExchange(req, reqBody, res, resBody, err, start, d))
	return res, err
}

func (r *Recorder) add(e Exchange) {
	r.mu.Lock()
	r.next++
	e.ID = r.next
	r.exchanges = append(r.exchanges, e)
	limit := r.Max
	if limit <= 0 {
		limit = 500
	}
	if len(r.exchanges) > limit {
		r.exchanges = r.exchanges[len(r.exchanges)-limit:]
	}
	cb := r.OnExchange
	r.mu.Unlock()
	if cb != nil {
		cb(e)
	}
}

// redactor collects the secret values of one exchange and replaces them
// wherever they appear.
type redactor struct {
	values []string
	masked map[string]bool // values shown by length only
}

// note records a secret value; masked ones never show a character.
func (rd *redactor) note(v string, masked bool) {
	if len(v) < 4 {
		return
	}
	rd.values = append(rd.values, v)
	if masked {
		if rd.masked == nil {
			rd.masked = map[string]bool{}
		}
		rd.masked[v] = true
	}
}

// scrub replaces every known secret value in s, longest first.
func (rd *redactor) scrub(s string) string {
	sort.Slice(rd.values, func(i, j int) bool { return len(rd.values[i]) > len(rd.values[j]) })
	for _, v := range rd.values {
		if strings.Contains(s, v) {
			shown := Fingerprint(v)
			if rd.masked[v] {
				shown = mask(v)
			}
			s = strings.ReplaceAll(s, v, "["+shown+"]")
		}
	}
	return s
}

func buildExchange(req *http.Request, reqBody []byte, res *http.Response, resBody []byte, err error, start time.Time, d time.Duration) Exchange {
	rd := &redactor{}
	e := Exchange{Time: start, Duration: d, Method: req.Method, URL: req.URL.Redacted(), Fields: map[string]string{}}

	// Authorization: keep the scheme and, for Basic, the client id.
	if auth := req.Header.Get("Authorization"); auth != "" {
		scheme, value, _ := strings.Cut(auth, " ")
		e.AuthScheme = scheme
		rd.note(value, strings.EqualFold(scheme, "Basic"))
		if strings.EqualFold(scheme, "Basic") {
			if raw, derr := base64.StdEncoding.DecodeString(value); derr == nil {
				user, pass, _ := strings.Cut(string(raw), ":")
				e.BasicUser = Sanitize(user)
				rd.note(pass, true)
			}
		}
	}
	// Request body: note secret field values first, so the safety net
	// catches them anywhere else too.
	var reqFields map[string]any
	if json.Unmarshal(reqBody, &reqFields) == nil {
		collect(reqFields, rd, true)
		for k, v := range reqFields {
			if isSecret(k, true) {
				e.SecretFields = append(e.SecretFields, k)
			} else if s, ok := v.(string); ok {
				e.Fields[k] = Sanitize(s)
			}
		}
		sort.Strings(e.SecretFields)
	}
	var resFields map[string]any
	if res != nil && json.Unmarshal(resBody, &resFields) == nil {
		collect(resFields, rd, false)
	}

	e.RequestHeaders = redactHeaders(req.Header, rd, e)
	e.RequestBody = redactBody(reqBody, reqFields, rd, true)
	if err != nil {
		e.Err = rd.scrub(Sanitize(err.Error()))
		return e
	}
	e.Status = res.StatusCode
	e.ContentType = mediaType(res.Header.Get("Content-Type"))
	e.ResponseHeaders = redactHeaders(res.Header, rd, e)
	e.ResponseBody = redactBody(resBody, resFields, rd, false)
	if res.StatusCode >= 400 {
		e.ErrorCode = ParseError(res.StatusCode, e.ContentType, resBody).Code
	}
	return e
}

// collect notes every secret field's value in a decoded JSON document;
// top says v is the top of a request body.
func collect(v any, rd *redactor, top bool) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if s, ok := val.(string); ok && isSecret(k, top) {
				rd.note(s, maskedKeys[k])
			}
			collect(val, rd, false)
		}
	case []any:
		for _, val := range t {
			collect(val, rd, false)
		}
	}
}

// redactValue replaces secret fields by fingerprints, recursively.
func redactValue(v any, top bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if s, ok := val.(string); ok && isSecret(k, top) {
				out[k] = "[" + fingerprintFor(k, s) + "]"
				continue
			}
			out[k] = redactValue(val, false)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = redactValue(val, false)
		}
		return out
	}
	return v
}

func redactBody(raw []byte, parsed map[string]any, rd *redactor, request bool) string {
	if len(raw) == 0 {
		return ""
	}
	if parsed != nil {
		data, err := json.MarshalIndent(redactValue(parsed, request), "", "  ")
		if err == nil {
			return rd.scrub(string(data))
		}
	}
	body := string(raw)
	if len(raw) > MaxBodySize {
		body = body[:MaxBodySize]
	}
	return rd.scrub(SanitizeMultiline(body))
}

func redactHeaders(h http.Header, rd *redactor, e Exchange) []Header {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []Header
	for _, name := range names {
		for _, v := range h[name] {
			switch strings.ToLower(name) {
			case "authorization":
				if strings.EqualFold(e.AuthScheme, "Basic") {
					v = "Basic [" + e.BasicUser + ":secret redacted]"
				} else {
					scheme, value, _ := strings.Cut(v, " ")
					v = scheme + " [" + Fingerprint(value) + "]"
				}
			case "cookie", "set-cookie", "proxy-authorization":
				v = "[" + Fingerprint(v) + "]"
			default:
				v = rd.scrub(Sanitize(v))
			}
			out = append(out, Header{Name: name, Value: v})
		}
	}
	return out
}

// curlVars names the shell variable that stands for each secret in a
// reproduced request.
var curlVars = map[string]string{
	"password": "TOKENBENCH_PASSWORD", "client_secret": "TOKENBENCH_CLIENT_SECRET", "binding_code": "TOKENBENCH_BINDING_CODE",
	"mfa_token": "TOKENBENCH_MFA_TOKEN", "oob_code": "TOKENBENCH_OOB_CODE", "refresh_token": "TOKENBENCH_REFRESH_TOKEN",
	"access_token": "TOKENBENCH_ACCESS_TOKEN", "id_token": "TOKENBENCH_ID_TOKEN", "code": "TOKENBENCH_CODE",
}

// Curl returns a curl command that reproduces the exchange, with every
// secret as a shell variable reference rather than its value.
func (e Exchange) Curl() string {
	var b strings.Builder
	fmt.Fprintf(&b, "curl -sS -X %s %s", e.Method, shQuote(e.URL))
	switch {
	case strings.EqualFold(e.AuthScheme, "Basic"):
		fmt.Fprintf(&b, " \\\n  -u %s", dq(shEscape(e.BasicUser)+":$TOKENBENCH_CLIENT_SECRET"))
	case e.AuthScheme != "":
		fmt.Fprintf(&b, " \\\n  -H %s", dq("Authorization: "+e.AuthScheme+" $TOKENBENCH_BEARER"))
	}
	for _, h := range e.RequestHeaders {
		switch strings.ToLower(h.Name) {
		case "content-type", "accept", "user-agent":
			fmt.Fprintf(&b, " \\\n  -H %s", shQuote(h.Name+": "+h.Value))
		}
	}
	if e.RequestBody != "" {
		keys := make([]string, 0, len(e.Fields)+len(e.SecretFields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		keys = append(keys, e.SecretFields...)
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			v, ok := e.Fields[k]
			val := shEscape(jsonString(v))
			if !ok {
				name := curlVars[k]
				if name == "" {
					name = "TOKENBENCH_" + strings.ToUpper(k)
				}
				val = `\"$` + name + `\"`
			}
			parts = append(parts, shEscape(jsonString(k))+":"+val)
		}
		fmt.Fprintf(&b, " \\\n  --data-raw \"{%s}\"", strings.Join(parts, ","))
	}
	return b.String()
}

// jsonString is s as a JSON string literal.
func jsonString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

// shEscape escapes s for the inside of a double-quoted shell word.
func shEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")
	return r.Replace(s)
}

func dq(s string) string { return `"` + s + `"` }

func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Text renders the exchange for a person, curl -v style: "> " lines sent,
// "< " lines received. Everything in it was redacted when recorded.
func (e Exchange) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", e.Method, e.URL)
	for _, h := range e.RequestHeaders {
		fmt.Fprintf(&b, "> %s: %s\n", h.Name, h.Value)
	}
	for _, l := range splitLines(e.RequestBody) {
		fmt.Fprintf(&b, "> %s\n", l)
	}
	if e.Err != "" {
		fmt.Fprintf(&b, "< no answer after %s: %s\n", e.Duration.Round(time.Millisecond), e.Err)
		return b.String()
	}
	fmt.Fprintf(&b, "< %d %s (%s)\n", e.Status, http.StatusText(e.Status), e.Duration.Round(time.Millisecond))
	for _, h := range e.ResponseHeaders {
		fmt.Fprintf(&b, "< %s: %s\n", h.Name, h.Value)
	}
	for _, l := range splitLines(e.ResponseBody) {
		fmt.Fprintf(&b, "< %s\n", l)
	}
	return b.String()
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}
