package flows

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
)

// Step is one request of an MFA flow, for a timeline.
type Step struct {
	ExchangeID int
	At         time.Time
	Duration   time.Duration
	Label      string // "token request (password)", "challenge (sms)", "binding code #2"
	Outcome    string // "200", "403 mfa_required", "no answer: timed out"
	OK         bool
}

// Timeline picks the latest flow that went through MFA out of a session's
// exchanges: from the token request that got mfa_required (and the
// client_credentials request that gave its Bearer) through the challenges
// and binding codes to the token or the last failure. Nil when no flow
// asked for MFA.
func Timeline(ex []client.Exchange) []Step {
	start := -1
	for i := len(ex) - 1; i >= 0; i-- {
		if ex[i].ErrorCode == "mfa_required" {
			start = i
			break
		}
	}
	if start < 0 {
		return nil
	}
	if start > 0 && isToken(ex[start-1]) && ex[start-1].Fields["grant_type"] == string(client.GrantClientCredentials) && ex[start-1].Status == 200 {
		start-- // the chained Bearer belongs to the flow
	}
	var steps []Step
	attempt := 0
	for i := start; i < len(ex); i++ {
		e := ex[i]
		if i > start && isToken(e) && e.Fields["grant_type"] != string(client.GrantMFAOOB) && e.ErrorCode != "mfa_required" {
			break // another flow began
		}
		s := Step{ExchangeID: e.ID, At: e.Time, Duration: e.Duration, Outcome: outcome(e), OK: e.Err == "" && e.Status/100 == 2}
		switch {
		case strings.HasSuffix(pathOf(e.URL), "/auth/mfa/challenge"):
			s.Label = "challenge (" + orDefault(e.Fields["oob_channel"], "sms") + ")"
			attempt = 0
		case e.Fields["grant_type"] == string(client.GrantMFAOOB):
			attempt++
			s.Label = fmt.Sprintf("binding code #%d", attempt)
		case isToken(e):
			s.Label = "token request (" + e.Fields["grant_type"] + ")"
		default:
			s.Label = e.Method + " " + pathOf(e.URL)
		}
		steps = append(steps, s)
		if s.OK && e.Fields["grant_type"] == string(client.GrantMFAOOB) {
			break
		}
	}
	return steps
}

// TimelineSummary says in one line where a flow ended.
func TimelineSummary(steps []Step) string {
	if len(steps) == 0 {
		return "no flow in this session went through MFA"
	}
	last := steps[len(steps)-1]
	if last.OK && strings.HasPrefix(last.Label, "binding code") {
		return "MFA completed: token issued after " + last.Label
	}
	return "stopped at " + last.Label + ": " + last.Outcome
}

func isToken(e client.Exchange) bool { return strings.HasSuffix(pathOf(e.URL), "/auth/token") }

func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.Index(u, "/"); j >= 0 {
			u = u[j:]
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

func outcome(e client.Exchange) string {
	if e.Err != "" {
		return "no answer: " + e.Err
	}
	if e.ErrorCode != "" {
		return fmt.Sprintf("%d %s", e.Status, e.ErrorCode)
	}
	return fmt.Sprint(e.Status)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
