package flows

import (
	"fmt"
	"strings"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
)

// passwordlessTimeline is the latest passwordless login (§1a) among a
// session's exchanges, step by step: the client_credentials request that
// gave its Bearer, each code sent (its connection, the e-mail masked),
// resent over login_session_id or issued for a user id, and each
// verification code given with its outcome, up to the token or the last
// failure. start is the index in all of its first step; nil, -1 when the
// session ran none.
//
// A login is the run of passwordless requests for one ident: it ends at
// its token, and a request for another ident or of another grant is
// another flow's. Codes are numbered as the user entered them, across the
// login (a new code does not start again at #1), as binding codes are.
func passwordlessTimeline(all []record.Exchange) (steps []Step, start int) {
	last := -1
	for i := len(all) - 1; i >= 0; i-- {
		if isPasswordlessStep(all[i]) {
			last = i
			break
		}
	}
	if last < 0 {
		return nil, -1
	}
	ident := identOf(all[last])
	start = last
walk:
	for i := last - 1; i >= 0; i-- {
		e := all[i]
		switch {
		case isClientToken(e):
			continue // a chained Bearer, renewed while the code screen waited
		case !isPasswordlessStep(e):
			if isToken(e) || isChallenge(e) || isRecovery(e) {
				break walk // another flow
			}
			continue // a key fetch, a user lookup: no step, not an end
		case identOf(e) != ident || isVerification(e) && e.Err == "" && e.Status/100 == 2:
			break walk // another login, or the end of an earlier one
		}
		start = i
	}
	if start > 0 && isClientToken(all[start-1]) && all[start-1].Status == 200 {
		start-- // the chained Bearer belongs to the login
	}
	sends, attempt := 0, 0
	for i := start; i <= last; i++ {
		e := all[i]
		if i > start && !isPasswordlessStep(e) {
			continue
		}
		s := Step{ExchangeID: e.ID, At: e.Time, Duration: e.Duration, Outcome: outcome(e), OK: e.Err == "" && e.Status/100 == 2}
		switch {
		case isClientToken(e):
			s.Label = "token request (" + e.Fields["grant_type"] + ")"
		case isIssue(e):
			if s.OK {
				sends++
			}
			s.Label = fmt.Sprintf("code %d issued for the user id", max(sends, 1))
		case isSend(e):
			verb := "sent"
			if e.Fields["login_session_id"] != "" {
				verb = "resent"
			} else if s.OK {
				sends++
			}
			s.Label = fmt.Sprintf("code %d %s (%s to %s)", max(sends, 1), verb, orDefault(e.Fields["connection"], "email"), maskEmail(e.Fields["email"]))
		case isVerification(e):
			attempt++
			s.Label = fmt.Sprintf("verification code #%d", attempt)
			if !s.OK && e.Err == "" && e.Status/100 == 4 && e.Status != 429 && e.Status != 401 && e.Status != 403 {
				if codeSpent(e.ErrorCode, e.ErrorMessage) {
					s.Outcome += ": used or expired"
				} else {
					s.Outcome += ": wrong code"
				}
			}
		}
		steps = append(steps, s)
	}
	return steps, start
}

// isPasswordlessStep reports whether e is a request of a passwordless
// login: a send, an issue, or a verification code.
func isPasswordlessStep(e record.Exchange) bool {
	return isSend(e) || isIssue(e) || isVerification(e)
}

func isSend(e record.Exchange) bool {
	return strings.HasSuffix(pathOf(e.URL), "/auth/passwordless")
}

func isIssue(e record.Exchange) bool {
	return strings.HasSuffix(pathOf(e.URL), "/auth/passwordless/code")
}

func isVerification(e record.Exchange) bool {
	return isToken(e) && e.Fields["grant_type"] == string(client.GrantAuthorizationCode)
}

// identOf is who a passwordless request is for, folded.
func identOf(e record.Exchange) string {
	id := e.Fields["ident"]
	if isSend(e) {
		id = e.Fields["email"]
	}
	if isIssue(e) {
		id = e.Fields["user_id"]
	}
	return strings.ToLower(strings.TrimSpace(id))
}

// maskEmail shows an e-mail address by its first letter and its domain:
// enough to tell which inbox, not the address.
func maskEmail(email string) string {
	email = strings.TrimSpace(email)
	at := strings.LastIndex(email, "@")
	if at <= 0 {
		return "••••"
	}
	first := []rune(email[:at])[0]
	return string(first) + "•••" + email[at:]
}
