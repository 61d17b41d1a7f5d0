package flows

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/record"
)

// TestTimelineFollowsTheFlowItsMFATokenNames: requests of other flows
// between a sign-in's challenge and its code (a background refresh, a
// recovery started and left) are not its end: the timeline follows the
// sign-in to the code that got the token, which names its mfa_token.
func TestTimelineFollowsTheFlowItsMFATokenNames(t *testing.T) {
	const base = "https://api.dintero.com/v1/accounts/T11223344/auth/"
	n := 0
	ex := func(path string, status int, code string, fields map[string]string, req, resp string) record.Exchange {
		n++
		return record.Exchange{ID: n, Method: "POST", URL: base + path, Status: status, ErrorCode: code, Fields: fields, RequestBody: req, ResponseBody: resp}
	}
	grant := func(g string) map[string]string {
		return map[string]string{"grant_type": g, "username": "u@example.com"}
	}
	signIn := []record.Exchange{
		ex("token", 200, "", grant("client_credentials"), `{}`, `{"access_token":"[a]"}`),
		ex("token", 403, "mfa_required", grant("password"), `{}`, `{"error":{"code":"mfa_required","mfa_token":"[M]"}}`),
		ex("mfa/challenge", 200, "", map[string]string{"oob_channel": "sms"}, `{"mfa_token":"[M]"}`, `{}`),
	}
	code := ex("token", 200, "", grant("mfa-oob"), `{"mfa_token":"[M]"}`, `{"access_token":"[b]"}`)
	for name, between := range map[string][]record.Exchange{
		"background refresh": {ex("token", 200, "", grant("refresh_token"), `{}`, `{"access_token":"[c]"}`)},
		"recovery left": {
			ex("mfa/recovery", 200, "", map[string]string{"username": "u@example.com"}, `{}`, `{"mfa_token":"[R1]"}`),
			ex("token", 403, "mfa_required", grant("mfa-oob"), `{"mfa_token":"[R1]"}`, `{"error":{"code":"mfa_required","mfa_token":"[R2]"}}`),
			ex("mfa/challenge", 200, "", map[string]string{"oob_channel": "email"}, `{"mfa_token":"[R2]"}`, `{}`),
		},
	} {
		all := append(append(append([]record.Exchange{}, signIn...), between...), code)
		steps := Timeline(all)
		var labels []string
		for _, s := range steps {
			labels = append(labels, s.Label)
		}
		got := strings.Join(labels, ", ")
		want := "token request (client_credentials), token request (password), challenge 1 (sms), binding code #1"
		if got != want || TimelineSummary(steps) != "MFA completed: token issued after binding code #1" {
			t.Errorf("%s: %s (%s), want %s", name, got, TimelineSummary(steps), want)
		}
	}
}
