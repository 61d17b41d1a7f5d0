package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/textsafe"
)

// APIError is a non-2xx answer from the server. It reads the three error
// shapes of the contract — Dintero's {"error":{"code","message"}}, OAuth 2.0's
// {"error","error_description"}, and a body that is not JSON at all — and
// holds only sanitised text, so Error() is safe to print.
type APIError struct {
	Status      int
	Code        string // "" when the body did not say
	Message     string
	ContentType string
	// Excerpt is a short sanitised piece of a body that was not a JSON error.
	Excerpt string
	// MFAToken is the mfa_token of an mfa_required answer, wherever the server
	// put it. It is a secret of the flow and never part of Error().
	MFAToken string
	// Details are Dintero's "errors" list (§1 Errors: what a validation
	// failure found wrong, the scope a 403 wanted), in the server's order,
	// each as its human text when it has one, else as compact JSON; each
	// sanitised to one line and bounded. Error() names the first; a screen
	// or -v shows them all. At most MaxDetails are kept.
	Details []string
	// DetailsLeftOut counts the details beyond MaxDetails.
	DetailsLeftOut int
}

// MaxDetails bounds how many error details an APIError keeps, and
// maxDetailLen how long each is.
const (
	MaxDetails   = 20
	maxDetailLen = 300
)

// AllDetails is every kept detail, and a last line saying how many more
// the server sent, when it sent more than MaxDetails.
func (e *APIError) AllDetails() []string {
	out := slices.Clone(e.Details)
	if e.DetailsLeftOut > 0 {
		out = append(out, fmt.Sprintf("(%d more not kept)", e.DetailsLeftOut))
	}
	return out
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", e.Status)
	switch {
	case e.Code != "" && e.Message != "":
		fmt.Fprintf(&b, " %s: %s", e.Code, e.Message)
	case e.Code != "":
		fmt.Fprintf(&b, " %s", e.Code)
	case e.Message != "":
		fmt.Fprintf(&b, " %s", e.Message)
	case len(e.Details) > 0:
		// Details with no message: the first stands for it.
	default:
		if t := http.StatusText(e.Status); t != "" {
			fmt.Fprintf(&b, " %s", t)
		}
		if e.ContentType != "" {
			fmt.Fprintf(&b, " (%s)", e.ContentType)
		}
		if e.Excerpt != "" {
			fmt.Fprintf(&b, ": %s", e.Excerpt)
		}
	}
	if len(e.Details) > 0 {
		if e.Code != "" || e.Message != "" {
			b.WriteString(":")
		}
		fmt.Fprintf(&b, " %s", e.Details[0])
		if more := len(e.Details) - 1 + e.DetailsLeftOut; more > 0 {
			fmt.Fprintf(&b, " (and %d more)", more)
		}
	}
	return b.String()
}

// MFARequired reports whether the server asked for multi-factor
// authentication.
func (e *APIError) MFARequired() bool { return e.Code == "mfa_required" }

// ServerSide reports whether the failure is the server's (5xx), not a
// rejection of the request.
func (e *APIError) ServerSide() bool { return e.Status >= 500 }

// ProtocolError is a 2xx answer whose body could not be used: not JSON,
// truncated, or missing a field the contract requires.
type ProtocolError struct {
	Status      int
	ContentType string
	Reason      string
	Excerpt     string
}

func (e *ProtocolError) Error() string {
	s := fmt.Sprintf("unusable %d response", e.Status)
	if e.ContentType != "" {
		s += " (" + e.ContentType + ")"
	}
	s += ": " + e.Reason
	if e.Excerpt != "" {
		s += ": " + e.Excerpt
	}
	return s
}

// TransportError is a request that got no HTTP answer, or not all of it:
// refused, timed out, TLS failure, or cancelled.
type TransportError struct {
	Op  string
	Err error
	// URL is where the request went (no user info, no secret).
	URL string
	// Timeout is the client's deadline when it is what ran out; zero when
	// the request did not time out, or not on the client's own deadline.
	Timeout time.Duration
}

func (e *TransportError) Error() string {
	where := e.Op
	if e.URL != "" {
		where += " to " + textsafe.Sanitize(e.URL)
	}
	switch {
	case e.Timeout > 0:
		return fmt.Sprintf("%s: timed out after %s", where, e.Timeout)
	case errors.Is(e.Err, context.DeadlineExceeded):
		return where + ": timed out"
	case errors.Is(e.Err, context.Canceled):
		return e.Op + ": cancelled"
	}
	return e.Op + ": " + textsafe.Sanitize(e.Err.Error())
}

// errRequestTimeout is the cause of a request context that ran out of the
// client's own timeout, told apart from a caller's deadline.
var errRequestTimeout = errors.New("request timeout")

// transportError describes a request that failed without a whole answer.
// When the client's own timeout ran out — during the connection, the
// headers or a body that drips — it says so with the URL and the timeout,
// whatever error the read happened to return.
func (c *Client) transportError(ctx context.Context, op, target string, err error) *TransportError {
	e := &TransportError{Op: op, Err: unwrapURLError(err), URL: target}
	if ctx.Err() != nil && context.Cause(ctx) == errRequestTimeout {
		e.Err, e.Timeout = context.DeadlineExceeded, c.timeout
	}
	return e
}

func (e *TransportError) Unwrap() error { return e.Err }

// readError is how the recorder reads an error answer: as ParseError
// does, so that an exchange shows what the client understood.
func readError(status int, contentType string, body []byte) (code, message string, details []string) {
	e := ParseError(status, contentType, body)
	return e.Code, e.Message, e.AllDetails()
}

// maxCodeLen and maxMessageLen bound an error's code and message.
const maxCodeLen, maxMessageLen = 100, 400

// excerptLen is how much of a non-JSON body an error shows.
const excerptLen = 120

// ParseError reads an error answer. It never fails: whatever the body, the
// result says at least the status and the content type.
func ParseError(status int, contentType string, body []byte) *APIError {
	e := &APIError{Status: status, ContentType: textsafe.MediaType(contentType)}
	trimmed := bytes.TrimSpace(body)
	var raw struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		Message          string          `json:"message"`
	}
	var fields map[string]any
	if len(trimmed) == 0 || json.Unmarshal(trimmed, &raw) != nil || json.Unmarshal(trimmed, &fields) != nil {
		e.Excerpt = textsafe.Excerpt(trimmed, excerptLen)
		return e
	}
	// The mfa_token is a secret: taken by the key rule the redactor
	// learns by (answer.go, record.FoldKey), wherever the server put it.
	e.MFAToken = stringField(fields, "mfa_token")
	if inner, ok := field(fields, "error").(map[string]any); ok {
		if t := stringField(inner, "mfa_token"); t != "" {
			e.MFAToken = t
		}
	}
	var nested struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Errors  []any  `json:"errors"`
	}
	var top struct {
		Errors []any `json:"errors"`
	}
	_ = json.Unmarshal(trimmed, &top)
	var flat string
	switch {
	case len(raw.Error) == 0 || string(raw.Error) == "null":
		e.Message = raw.Message
		if raw.Message == "" {
			e.Excerpt = textsafe.Excerpt(trimmed, excerptLen)
		}
	case json.Unmarshal(raw.Error, &nested) == nil:
		e.Code, e.Message = nested.Code, nested.Message
		if len(nested.Errors) > 0 {
			top.Errors = nested.Errors
		}
	case json.Unmarshal(raw.Error, &flat) == nil:
		e.Code, e.Message = flat, raw.ErrorDescription
	default:
		e.Excerpt = textsafe.Excerpt(trimmed, excerptLen)
	}
	for _, d := range top.Errors {
		text := detailText(d)
		if text == "" {
			continue
		}
		if len(e.Details) == MaxDetails {
			e.DetailsLeftOut++
			continue
		}
		e.Details = append(e.Details, text)
	}
	// One line, however long what the server wrote.
	e.Code = textsafe.Cut(textsafe.Sanitize(e.Code), maxCodeLen)
	e.Message = textsafe.Cut(textsafe.Sanitize(e.Message), maxMessageLen)
	e.MFAToken = strings.TrimSpace(e.MFAToken)
	return e
}

// detailHumanKeys are the fields of an error detail that hold its human
// text, in the order they are looked for (Dintero's own details use
// "message"; other validators say "description", "detail" or "msg").
var detailHumanKeys = []string{"message", "description", "detail", "msg"}

// detailFieldKeys name the field a detail is about; it is put before a
// human text that does not already name it.
var detailFieldKeys = []string{"field", "path", "dataPath", "instancePath", "property", "param"}

// detailText is one error detail as a person reads it: its human text
// (with the field it is about, unless the text names it), a string detail
// as it is, anything else as compact JSON. One line, bounded.
func detailText(d any) string {
	if d == nil {
		return ""
	}
	text := ""
	switch v := d.(type) {
	case string:
		text = v
	case map[string]any:
		text = humanDetail(v)
	}
	if strings.TrimSpace(text) == "" {
		data, err := json.Marshal(d)
		if err != nil {
			return ""
		}
		text = string(data)
	}
	return textsafe.Cut(textsafe.Sanitize(strings.TrimSpace(text)), maxDetailLen)
}

// humanDetail is a detail object's human text, with the field it is about
// before it unless the text already names it; "" when it has none.
func humanDetail(v map[string]any) string {
	text := ""
	for _, k := range detailHumanKeys {
		if s, ok := v[k].(string); ok && strings.TrimSpace(s) != "" {
			text = s
			break
		}
	}
	if text == "" {
		return ""
	}
	for _, k := range detailFieldKeys {
		f, _ := v[k].(string)
		f = strings.TrimLeft(strings.TrimSpace(f), "./")
		if f != "" && !strings.Contains(text, f) {
			return f + ": " + text
		}
	}
	return text
}
