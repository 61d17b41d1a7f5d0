package client_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenbench/tokenbench/client"
)

func TestErrorDetails(t *testing.T) {
	body := `{"error":{"message":"Validation failed","errors":[
		{"message":"audience must be a grant associated with the client"},
		{"dataPath":".username","message":"should be string"},
		{"keyword":"additionalProperties","params":{"additionalProperty":"scope"}},
		"plain text detail",
		{"message":"evil \u001b]52;c;aGk=\u0007 \u202e text"}
	]}}`
	e := client.ParseError(400, "application/json", []byte(body))
	want := []string{
		"audience must be a grant associated with the client",
		"username: should be string",
		`{"keyword":"additionalProperties","params":{"additionalProperty":"scope"}}`,
		"plain text detail",
	}
	if len(e.Details) != 5 {
		t.Fatalf("details %q", e.Details)
	}
	for i, w := range want {
		if e.Details[i] != w {
			t.Errorf("detail %d = %q, want %q", i, e.Details[i], w)
		}
	}
	if d := e.Details[4]; strings.ContainsAny(d, "\x1b\x07\u202e") {
		t.Errorf("unsanitised detail %q", d)
	}
	if got := e.Error(); got != "400 Validation failed: audience must be a grant associated with the client (and 4 more)" {
		t.Errorf("Error() = %q", got)
	}

	// Bounded: each detail's length, and how many are kept.
	var many []string
	for i := range 30 {
		many = append(many, fmt.Sprintf(`{"message":"%d %s"}`, i, strings.Repeat("x", 2000)))
	}
	e = client.ParseError(400, "application/json", []byte(`{"error":{"message":"Validation failed","errors":[`+strings.Join(many, ",")+`]}}`))
	if len(e.Details) != client.MaxDetails || e.DetailsLeftOut != 30-client.MaxDetails {
		t.Fatalf("kept %d, left out %d", len(e.Details), e.DetailsLeftOut)
	}
	for _, d := range e.Details {
		if utf8.RuneCountInString(d) > 301 { // 300 and the "…" of the cut
			t.Fatalf("a detail of %d characters", utf8.RuneCountInString(d))
		}
	}
	all := e.AllDetails()
	if all[len(all)-1] != "(10 more not kept)" {
		t.Errorf("last of AllDetails = %q", all[len(all)-1])
	}

	// A scope 403: code, message, and the detail.
	e = client.ParseError(403, "application/json", []byte(`{"error":{"code":"insufficient_scope","message":"Forbidden","errors":[{"message":"missing scope: one of admin:accounts"}]}}`))
	if got := e.Error(); got != "403 insufficient_scope: Forbidden: missing scope: one of admin:accounts" {
		t.Errorf("Error() = %q", got)
	}
}
