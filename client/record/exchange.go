package record

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tokenbench/tokenbench/textsafe"
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
	// ErrorMessage and ErrorDetails are an error answer's message and its
	// "errors" details (APIError's), sanitised and redacted.
	ErrorMessage string
	ErrorDetails []string
	// Err is a transport failure (no answer).
	Err string
}

// MaxBodySize bounds every body read: the recorder keeps at most
// MaxBodySize bytes of a request and hands on at most MaxBodySize+1 bytes
// of an answer, and the client, which reads its answers through the
// recorder, reads no more either.
const MaxBodySize = 1 << 20

// secretKeys are fields whose values are secrets, in requests and answers
// alike, by their FoldKey.
var secretKeys = map[string]bool{
	"password": true, "client_secret": true, "binding_code": true, "mfa_token": true,
	"oob_code": true, "refresh_token": true, "access_token": true, "id_token": true,
	"verification_code": true,
}

// maskedKeys are secrets people choose or read (passwords, codes): not
// even their first characters are shown, only their length.
var maskedKeys = map[string]bool{"password": true, "client_secret": true, "binding_code": true, "code": true, "verification_code": true}

// mask names a secret by its length alone.
func mask(secret string) string { return fmt.Sprintf("•••• (%d chars)", len(secret)) }

// fingerprintFor is a token's fingerprint, or a chosen secret's mask.
func fingerprintFor(key, value string) string {
	if isMasked(key) {
		return mask(value)
	}
	return Fingerprint(value)
}

// requestSecretKeys are secret only at the top of a request body: "code"
// is the authorization code there, but an error's code in an answer;
// "token" is the refresh token a revoke sends.
var requestSecretKeys = map[string]bool{"code": true, "token": true}

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
	// Redactor knows the secrets of the flow; share the client's so that a
	// secret is redacted even in an exchange that does not carry it. One
	// is made when nil; it learns every secret the exchanges carry.
	Redactor *Redactor

	mu        sync.Mutex
	exchanges []Exchange
	next      int
	// gens[i] is the redactor's gen when exchanges[i] was begun; pending
	// counts the gens of exchanges being built (see Redactor.Forget).
	gens    []uint64
	pending map[uint64]int
	// sinceForget counts exchanges recorded since the redactor was last
	// told to forget.
	sinceForget int
}

// forgetEvery is how many exchanges are recorded between two calls of
// Redactor.Forget: its cost (the secrets known) is shared among them.
const forgetEvery = 32

// oldestGen is the gen of the oldest exchange held or being built
// (MaxUint64 for none).
func (r *Recorder) oldestGen() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	oldest := uint64(math.MaxUint64)
	for _, g := range r.gens {
		oldest = min(oldest, g)
	}
	for g := range r.pending {
		oldest = min(oldest, g)
	}
	return oldest
}

// Exchanges returns the recorded exchanges, oldest first.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Exchange, len(r.exchanges))
	copy(out, r.exchanges)
	return out
}

// ErrorReader reads an error answer (status 400 and up) for an exchange:
// its code, message and details. The client hands the recorder its own
// reading (client.ParseError), so that an exchange says what the client
// understood.
type ErrorReader func(status int, contentType string, body []byte) (code, message string, details []string)

// Wrap returns a transport that records through r; readError reads the
// error answers (nil records none of their fields).
func (r *Recorder) Wrap(rt http.RoundTripper, readError ErrorReader) http.RoundTripper {
	return &recordingTransport{rec: r, next: rt, readError: readError}
}

type recordingTransport struct {
	rec       *Recorder
	next      http.RoundTripper
	readError ErrorReader
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
	rd := t.rec.redactor()
	gen := t.rec.begin(rd)
	start := now()
	res, err := t.next.RoundTrip(req)
	d := now().Sub(start)
	var resBody []byte
	if err == nil {
		resBody, _ = io.ReadAll(io.LimitReader(res.Body, MaxBodySize+1))
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(resBody))
	}
	e := buildExchange(rd, t.readError, req, reqBody, res, resBody, err, start, d)
	if err == nil && res.StatusCode < 300 {
		noteSpent(rd, reqBody, resBody, now())
	}
	t.rec.add(e, gen)
	if t.rec.forgetDue() {
		rd.Forget(now())
	}
	return res, err
}

// grantRefreshToken is the grant_type of a refresh (client.GrantRefreshToken).
const grantRefreshToken = "refresh_token"

// noteSpent tells rd that a refresh token grant's refresh token was
// rotated away, when the answer carries a new one.
func noteSpent(rd *Redactor, reqBody, resBody []byte, at time.Time) {
	var req struct {
		GrantType    string `json:"grant_type"`
		RefreshToken string `json:"refresh_token"`
	}
	var res struct {
		RefreshToken string `json:"refresh_token"`
	}
	if json.Unmarshal(reqBody, &req) != nil || req.GrantType != grantRefreshToken || req.RefreshToken == "" {
		return
	}
	if json.Unmarshal(resBody, &res) != nil || res.RefreshToken == "" || res.RefreshToken == req.RefreshToken {
		return
	}
	rd.Spent(req.RefreshToken, at)
}

func (r *Recorder) redactor() *Redactor {
	r.mu.Lock()
	if r.Redactor == nil {
		r.Redactor = &Redactor{}
	}
	rd := r.Redactor
	r.mu.Unlock()
	rd.hold(r)
	return rd
}

// begin notes an exchange being built, with the redactor's gen for it.
func (r *Recorder) begin(rd *Redactor) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	// Taken under the recorder's lock, so that oldestGen never misses a
	// gen the redactor has handed out to an exchange of this recorder.
	g := rd.begin()
	if r.pending == nil {
		r.pending = map[uint64]int{}
	}
	r.pending[g]++
	return g
}

func (r *Recorder) add(e Exchange, gen uint64) {
	r.mu.Lock()
	r.next++
	e.ID = r.next
	r.exchanges = append(r.exchanges, e)
	r.gens = append(r.gens, gen)
	if r.pending[gen]--; r.pending[gen] <= 0 {
		delete(r.pending, gen)
	}
	limit := r.Max
	if limit <= 0 {
		limit = 500
	}
	if len(r.exchanges) > limit {
		r.exchanges = r.exchanges[len(r.exchanges)-limit:]
		r.gens = r.gens[len(r.gens)-limit:]
	}
	r.sinceForget++
	cb := r.OnExchange
	r.mu.Unlock()
	if cb != nil {
		cb(e)
	}
}

// forgetDue reports whether the redactor should be told to forget now.
func (r *Recorder) forgetDue() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sinceForget < forgetEvery {
		return false
	}
	r.sinceForget = 0
	return true
}

func buildExchange(rd *Redactor, readError ErrorReader, req *http.Request, reqBody []byte, res *http.Response, resBody []byte, err error, start time.Time, d time.Duration) Exchange {
	e := Exchange{Time: start, Duration: d, Method: req.Method, Fields: map[string]string{}}

	// Authorization: keep the scheme and, for Basic, the client id.
	if auth := req.Header.Get("Authorization"); auth != "" {
		scheme, value, _ := strings.Cut(auth, " ")
		e.AuthScheme = textsafe.Sanitize(scheme)
		if strings.EqualFold(scheme, "Basic") {
			rd.Add(value)
			if raw, derr := base64.StdEncoding.DecodeString(value); derr == nil {
				user, pass, _ := strings.Cut(string(raw), ":")
				e.BasicUser = textsafe.Sanitize(user)
				rd.AddBasic(user, pass)
			}
		} else {
			rd.AddToken(value)
		}
	}
	// Request body: note secret field values first, so that they are
	// caught anywhere else too, in any encoding.
	NoteSecrets(rd, reqBody, true)
	var reqFields map[string]any
	if json.Unmarshal(reqBody, &reqFields) == nil {
		for k, v := range reqFields {
			if isSecret(k, true) {
				e.SecretFields = append(e.SecretFields, textsafe.Sanitize(k))
			} else if s, ok := v.(string); ok {
				e.Fields[k] = rd.Scrub(s)
			}
		}
		sort.Strings(e.SecretFields)
	}
	// The answer: learnt by the parse the client itself uses, whatever
	// its shape, before any of it is recorded. It is shown as indented
	// JSON only when it is exactly one JSON object.
	var resFields map[string]any
	if res != nil {
		NoteSecrets(rd, resBody, false)
		if len(resBody) <= MaxBodySize && json.Unmarshal(resBody, &resFields) != nil {
			resFields = nil
		}
	}

	e.URL = rd.Scrub(req.URL.Redacted())
	e.RequestHeaders = redactHeaders(req.Header, rd, e)
	e.RequestBody = redactBody(reqBody, reqFields, rd, true)
	if err != nil {
		e.Err = rd.Scrub(err.Error())
		return e
	}
	e.Status = res.StatusCode
	e.ContentType = rd.Scrub(textsafe.MediaType(res.Header.Get("Content-Type")))
	e.ResponseHeaders = redactHeaders(res.Header, rd, e)
	e.ResponseBody = redactBody(resBody, resFields, rd, false)
	if res.StatusCode >= 400 && readError != nil {
		code, message, details := readError(res.StatusCode, e.ContentType, resBody)
		e.ErrorCode, e.ErrorMessage = rd.Scrub(code), rd.Scrub(message)
		for _, d := range details {
			e.ErrorDetails = append(e.ErrorDetails, rd.Scrub(d))
		}
	}
	return e
}

// Scrub makes one line of server or request text safe to show: secrets
// redacted in every encoding, before and after sanitising (which may turn
// a secret's form into another).
func (r *Redactor) Scrub(s string) string { return r.Redact(textsafe.Sanitize(r.Redact(s))) }

// redactValue replaces secret fields by fingerprints, and every known
// secret inside any other string or key, recursively: a string value may
// hold a whole echoed request, JSON-escaped once more.
func redactValue(v any, rd *Redactor, top bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if s, ok := val.(string); ok && isSecret(k, top) {
				out[rd.Redact(k)] = "[" + fingerprintFor(k, s) + "]"
				continue
			}
			out[rd.Redact(k)] = redactValue(val, rd, false)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = redactValue(val, rd, false)
		}
		return out
	case string:
		return rd.Redact(t)
	}
	return v
}

func redactBody(raw []byte, parsed map[string]any, rd *Redactor, request bool) string {
	if len(raw) == 0 {
		return ""
	}
	if parsed != nil {
		data, err := json.MarshalIndent(redactValue(parsed, rd, request), "", "  ")
		if err == nil {
			return rd.Redact(textsafe.EscapeJSONControls(rd.Redact(string(data))))
		}
	}
	if len(raw) > MaxBodySize {
		// Cut by the limit: a secret the cut halves leaves no start.
		return rd.Redact(textsafe.SanitizeMultiline(rd.RedactCut(string(raw[:MaxBodySize]))))
	}
	return rd.Redact(textsafe.SanitizeMultiline(rd.Redact(string(raw))))
}

func redactHeaders(h http.Header, rd *Redactor, e Exchange) []Header {
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
				v = rd.Scrub(v)
			}
			out = append(out, Header{Name: textsafe.Sanitize(name), Value: v})
		}
	}
	return out
}

// curlVars names the shell variable that stands for each secret in a
// reproduced request.
var curlVars = map[string]string{
	"password": "TOKENBENCH_PASSWORD", "client_secret": "TOKENBENCH_CLIENT_SECRET", "binding_code": "TOKENBENCH_BINDING_CODE",
	"mfa_token": "TOKENBENCH_MFA_TOKEN", "oob_code": "TOKENBENCH_OOB_CODE", "refresh_token": "TOKENBENCH_REFRESH_TOKEN",
	"access_token": "TOKENBENCH_ACCESS_TOKEN", "id_token": "TOKENBENCH_ID_TOKEN", "code": "TOKENBENCH_OIDC_CODE",
	"verification_code": "TOKENBENCH_VERIFICATION_CODE",
	// revoke's token is a refresh token, as `tokenbench revoke` reads it.
	"token": "TOKENBENCH_REFRESH_TOKEN",
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
	// The error's details as a person reads them (curl's "* " lines are
	// its own remarks, not the wire's).
	for i, d := range e.ErrorDetails {
		fmt.Fprintf(&b, "* error detail %d of %d: %s\n", i+1, len(e.ErrorDetails), d)
	}
	return b.String()
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}
