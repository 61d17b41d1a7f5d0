package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
)

// Step is one request of an MFA flow, for a timeline.
type Step struct {
	ExchangeID int
	At         time.Time
	Duration   time.Duration
	Label      string // "token request (password)", "challenge 1 (sms)", "binding code #2"
	Outcome    string // "200", "403 mfa_required", "cancelled", "no answer: timed out"
	OK         bool
}

// Timeline picks the latest flow that went through MFA out of a session's
// exchanges: from the token request that got mfa_required (and the
// client_credentials request that gave its Bearer) through the challenges
// and binding codes to the token or the last failure. An MFA recovery shows
// both of its steps, from the recovery call on. Nil when no flow asked for
// MFA.
//
// A passwordless login (§1a) has a timeline too: when one is later than
// the latest MFA flow, Timeline is that login's (see passwordlessTimeline).
func Timeline(all []record.Exchange) []Step {
	mfa := mfaTimeline(all)
	pl, plStart := passwordlessTimeline(all)
	if len(pl) > 0 && (len(mfa) == 0 || plStart > indexOf(all, mfa[0].ExchangeID)) {
		return pl
	}
	return mfa
}

// indexOf is the index in all of the exchange id; -1 when none.
func indexOf(all []record.Exchange, id int) int {
	for i, e := range all {
		if e.ID == id {
			return i
		}
	}
	return -1
}

// mfaTimeline is Timeline's latest flow that went through MFA.
func mfaTimeline(all []record.Exchange) []Step {
	// Only the auth requests can be steps: a key fetch or a user lookup
	// (the inspector's, the diagnose screen's) while the flow waits for a
	// code is not, and does not end it.
	var ex []record.Exchange
	var at []int // each one's index in all
	for i, e := range all {
		if isToken(e) || isChallenge(e) || isRecovery(e) {
			ex, at = append(ex, e), append(at, i)
		}
	}
	// The latest flow is the one of the latest MFA request: a code checked
	// after a recovery was left, or while other items were refreshed in
	// the background, is its sign-in's, which its mfa_token names.
	start := -1
	for i := len(ex) - 1; i >= 0 && start < 0; i-- {
		if isChallenge(ex[i]) || isMFAOOB(ex[i]) {
			start = originOf(ex[:i+1], i)
		}
		if ex[i].ErrorCode == "mfa_required" || isRecovery(ex[i]) {
			start = i
		}
	}
	if start < 0 {
		return nil
	}
	// A recovery's step 1 ends in mfa_required: walk back over its codes to
	// the recovery call.
	if !isRecovery(ex[start]) && isMFAOOB(ex[start]) {
		k := start - 1
		for k >= 0 && isMFAOOB(ex[k]) && ex[k].ErrorCode != "mfa_required" {
			k--
		}
		if k >= 0 && isRecovery(ex[k]) {
			start = k
		}
	}
	// A resent first code is a recovery call again, for the same user:
	// the flow began at the first of them, wrong codes in between.
	for isRecovery(ex[start]) {
		k := start - 1
		for k >= 0 && isMFAOOB(ex[k]) && ex[k].ErrorCode != "mfa_required" && !(ex[k].Status/100 == 2) {
			k--
		}
		if k < 0 || !isRecovery(ex[k]) || ex[k].Fields["username"] != ex[start].Fields["username"] {
			break
		}
		start = k
	}
	origin := start
	if start > 0 && at[start-1] == at[start]-1 && isClientToken(ex[start-1]) && ex[start-1].Status == 200 {
		start-- // the chained Bearer belongs to the flow
	}
	recovery := false
	for i := start; i < len(ex) && i <= start+1; i++ {
		recovery = recovery || isRecovery(ex[i])
	}
	// The mfa_tokens of the flow: from the answer that began it, and each
	// answer of its own that gave a new one (a recovery's step 1, a
	// resent first code). A request with another one is another flow's.
	owned := map[string]bool{}
	own := func(e record.Exchange) {
		if t := mfaTokenIn(e.ResponseBody); t != "" {
			owned[t] = true
		}
	}
	own(ex[origin])
	theirs := func(e record.Exchange) bool {
		t := mfaTokenIn(e.RequestBody)
		return t != "" && len(owned) > 0 && !owned[t]
	}
	var steps []Step
	// Binding codes are numbered as the user entered them: across a sign-in
	// (a new code or the other channel does not start again at #1), and in
	// each step of a recovery (step 2's first code is its #1); challenges
	// as the MFA screen numbers them: the ones sent.
	attempt, step, recoveries, challenges := 0, 1, 0, 0
	for i := start; i < len(ex); i++ {
		e := ex[i]
		if i > start && isClientToken(e) {
			// Another screen's client token while the flow waits for a
			// code (the diagnose screen's): no step of the flow, and not
			// its end. The flow's own Bearer came before its start, and
			// a new sign-in's is followed by that sign-in, which ends
			// the flow.
			continue
		}
		if i > origin && (isChallenge(e) || isMFAOOB(e)) && theirs(e) {
			continue // another flow's code, or its challenge
		}
		if i > origin && (isToken(e) && !isMFAOOB(e) || isRecovery(e) && (!recovery || step == 2)) {
			if len(owned) > 0 {
				// Another flow's request (a background refresh, a
				// recovery left, a new sign-in): the flow's own requests
				// name its mfa_token, and may follow.
				continue
			}
			if e.ErrorCode != "mfa_required" || isRecovery(e) {
				break // another flow began
			}
		}
		s := Step{ExchangeID: e.ID, At: e.Time, Duration: e.Duration, Outcome: outcome(e), OK: e.Err == "" && e.Status/100 == 2}
		prefix := ""
		if recovery {
			prefix = fmt.Sprintf("step %d ", step)
		}
		switch {
		case isRecovery(e):
			s.Label = "recovery (" + orDefault(e.Fields["oob_channel"], "sms") + ")"
			if recoveries++; recoveries > 1 {
				s.Label += ", a new code"
			}
		case isChallenge(e):
			number := ""
			if !recovery && s.OK {
				challenges++
				number = fmt.Sprintf(" %d", challenges)
			}
			s.Label = prefix + "challenge" + number + " (" + orDefault(e.Fields["oob_channel"], "sms") + ")"
		case isMFAOOB(e):
			attempt++
			s.Label = fmt.Sprintf("%sbinding code #%d", prefix, attempt)
			if e.ErrorCode == "unsupported_grant_type" {
				attempt-- // the spelling retry that follows is the same code
				s.Label += " (" + e.Fields["grant_type"] + ")"
			}
			if recovery && step == 1 && e.ErrorCode == "mfa_required" {
				s.OK = true // step 1's success is this 403 (§4)
				step, attempt = 2, 0
			}
		case isToken(e):
			s.Label = "token request (" + e.Fields["grant_type"] + ")"
		default:
			s.Label = e.Method + " " + pathOf(e.URL)
		}
		steps = append(steps, s)
		if isMFAOOB(e) || isRecovery(e) {
			own(e)
		}
		if s.OK && isMFAOOB(e) && e.ErrorCode == "" {
			break
		}
	}
	return steps
}

// originOf is the index in ex of the request that began the flow of
// ex[i], a challenge or a code check: the sign-in that got mfa_required
// or the recovery call whose answer gave its mfa_token (through a
// recovery's step 1). -1 when the token cannot be followed.
func originOf(ex []record.Exchange, i int) int {
	t := mfaTokenIn(ex[i].RequestBody)
	for k := i - 1; k >= 0 && t != ""; k-- {
		if mfaTokenIn(ex[k].ResponseBody) != t {
			continue
		}
		if !isMFAOOB(ex[k]) {
			return k
		}
		t = mfaTokenIn(ex[k].RequestBody) // a recovery's step 1
	}
	return -1
}

// mfaTokenIn is the mfa_token a recorded body carries (its fingerprint),
// at its top or in its error; "" when it carries none.
func mfaTokenIn(body string) string {
	var b struct {
		MFAToken string          `json:"mfa_token"`
		Error    json.RawMessage `json:"error"`
	}
	if json.Unmarshal([]byte(body), &b) != nil {
		return ""
	}
	if b.MFAToken != "" {
		return b.MFAToken
	}
	var e struct {
		MFAToken string `json:"mfa_token"`
	}
	if json.Unmarshal(b.Error, &e) == nil {
		return e.MFAToken
	}
	return ""
}

// TimelineFor is the latest MFA flow (as Timeline picks them) that signed
// in or recovered user: one of its requests names them. Flows of other
// users after it are passed over; nil when this session ran none for user.
func TimelineFor(all []record.Exchange, user string) []Step {
	if strings.TrimSpace(user) == "" {
		return nil
	}
	for end := len(all); end > 0; {
		steps := Timeline(all[:end])
		if len(steps) == 0 {
			return nil
		}
		if flowNames(all[:end], steps, user) {
			return steps
		}
		// The flow before this one ends before its first step.
		first := -1
		for i, e := range all[:end] {
			if e.ID == steps[0].ExchangeID {
				first = i
				break
			}
		}
		if first < 0 || first >= end {
			return nil
		}
		end = first
	}
	return nil
}

// flowNames reports whether one of the requests of steps names user.
func flowNames(ex []record.Exchange, steps []Step, user string) bool {
	ids := map[int]bool{}
	for _, st := range steps {
		ids[st.ExchangeID] = true
	}
	for _, e := range ex {
		if ids[e.ID] && strings.EqualFold(strings.TrimSpace(e.Fields["username"]), strings.TrimSpace(user)) {
			return true
		}
	}
	return false
}

func isClientToken(e record.Exchange) bool {
	return isToken(e) && e.Fields["grant_type"] == string(client.GrantClientCredentials)
}

func isChallenge(e record.Exchange) bool {
	return strings.HasSuffix(pathOf(e.URL), "/auth/mfa/challenge")
}

func isRecovery(e record.Exchange) bool {
	return strings.HasSuffix(pathOf(e.URL), "/auth/mfa/recovery")
}

func isMFAOOB(e record.Exchange) bool {
	return isToken(e) && client.Grant(e.Fields["grant_type"]).IsMFAOOB()
}

// TimelineName names what a timeline shows: a passwordless login's, or
// an MFA flow's (a sign-in or a recovery).
func TimelineName(steps []Step) string {
	for _, st := range steps {
		if strings.HasPrefix(st.Label, "verification code") || strings.HasPrefix(st.Label, "code ") {
			return "login timeline"
		}
	}
	return "MFA timeline"
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
	if last.OK && strings.HasPrefix(last.Label, "verification code") {
		return "passwordless login completed: token issued after " + last.Label
	}
	if last.OK && strings.HasPrefix(last.Label, "step 2 binding code") {
		return "MFA recovery completed: token issued after " + last.Label
	}
	return "stopped at " + last.Label + ": " + last.Outcome
}

func isToken(e record.Exchange) bool { return strings.HasSuffix(pathOf(e.URL), "/auth/token") }

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

func outcome(e record.Exchange) string {
	switch {
	case strings.HasSuffix(e.Err, context.Canceled.Error()):
		// The user cancelled it (esc, leaving the screen): not a failure
		// of the server's, and Go's words for it say less.
		return "cancelled"
	case strings.Contains(e.Err, context.DeadlineExceeded.Error()) || strings.Contains(e.Err, "Client.Timeout"):
		return "timed out"
	case e.Err != "":
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

// Took is how long a step or an exchange took, as every screen and the
// bundle show it: "13 ms".
func Took(d time.Duration) string {
	return fmt.Sprintf("%d ms", d.Round(time.Millisecond).Milliseconds())
}
