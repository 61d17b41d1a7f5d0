package doctor

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/textsafe"
)

// Severity ranks a finding: what blocks a login, what is worth a look, and
// what is only context.
type Severity string

const (
	Blocker Severity = "blocker"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Finding is one statement about the user, with the data it rests on.
type Finding struct {
	// Rule names the rule that made it, stable for scripts ("external-idp").
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Text     string   `json:"text"`
	// Evidence is the data read: field names with values, or activity ids.
	Evidence []string `json:"evidence"`
	// At is when what the finding says happened (zero when it says no
	// time). Text says it relative to the diagnosis, for a terminal;
	// Absolute says it exactly, for a ticket read later.
	At time.Time `json:"at,omitzero"`
	// template is Text with atMark where At is said, and absolute what
	// Absolute puts there before the time ("at " or "").
	template, absolute string
}

// atMark stands for a finding's time in its template.
const atMark = "\x00at\x00"

// timed sets a finding's time: template says it with atMark, relative is
// how Text says it, absolutePrefix what goes before the exact time.
func (f Finding) timed(at time.Time, template, relative, absolutePrefix string) Finding {
	f.At, f.template, f.absolute = at, template, absolutePrefix
	f.Text = strings.Replace(template, atMark, relative, 1)
	return f
}

// Absolute is Text with its time exact and absolute (UTC, to the second,
// as the report's tables show times), rather than relative to the
// diagnosis: for a support bundle read hours later.
func (f Finding) Absolute() string {
	if f.template == "" || f.At.IsZero() {
		return f.Text
	}
	return strings.Replace(f.template, atMark, f.absolute+ExactTime(f.At), 1)
}

// ExactTime is how a report states a time for a ticket.
func ExactTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// Thresholds of the rules. They are here, named, so a finding's text and its
// test agree on them.
const (
	RecentFactorChange = 7 * 24 * time.Hour
	StaleAfter         = 30 * 24 * time.Hour
	IPWindow           = 5 // how many of the latest token requests are compared
)

// rule looks at a user and its activity, newest first, and says something or
// nothing.
type rule func(u User, acts []Activity, now time.Time) []Finding

// rules in the order their findings are shown: what blocks a login first.
var rules = []rule{
	ruleDeleted,
	ruleExternal,
	ruleNoMFA,
	ruleFactorChanged,
	ruleStale,
	ruleManyIPs,
}

// Diagnose applies every rule. acts may come in any order.
func Diagnose(u User, acts []Activity, now time.Time) []Finding {
	acts = newestFirst(acts)
	var out []Finding
	for _, r := range rules {
		out = append(out, r(u, acts, now)...)
	}
	return out
}

func ruleDeleted(u User, _ []Activity, now time.Time) []Finding {
	if u.DeletedAt == nil {
		return nil
	}
	return []Finding{Finding{
		Rule: "deleted", Severity: Blocker,
		Evidence: []string{"deleted_at=" + u.DeletedAt.UTC().Format(time.RFC3339)},
	}.timed(*u.DeletedAt, "user deleted on "+atMark+": no grant will give this user a token", when(*u.DeletedAt, now), "")}
}

func ruleExternal(u User, _ []Activity, _ time.Time) []Finding {
	if !u.External() {
		return nil
	}
	return []Finding{{
		Rule: "external-idp", Severity: Blocker,
		Text:     "signs in through an external identity provider: the password grant will not work for this user; use account_user_token with the provider's ID token",
		Evidence: []string{"authentication_type=" + u.AuthenticationType},
	}}
}

func ruleNoMFA(u User, _ []Activity, _ time.Time) []Finding {
	if u.MFA.SMS.Enabled || u.MFA.TOTP.Enabled {
		return nil
	}
	return []Finding{{
		Rule: "no-mfa", Severity: Warning,
		Text:     "no MFA factor enabled: a token request for this user is not asked for a code",
		Evidence: []string{"configuration.mfa.sms.enabled=false", "configuration.mfa.totp.enabled=false"},
	}}
}

func ruleFactorChanged(u User, _ []Activity, now time.Time) []Finding {
	var out []Finding
	for _, f := range []struct {
		name, field string
		factor      Factor
	}{{"SMS", "sms", u.MFA.SMS}, {"TOTP", "totp", u.MFA.TOTP}} {
		at := f.factor.UpdatedAt
		if at == nil || now.Sub(*at) > RecentFactorChange || at.After(now.Add(time.Minute)) {
			continue
		}
		state := "turned off"
		if f.factor.Enabled {
			state = "on"
		}
		out = append(out, Finding{
			Rule: "factor-changed", Severity: Warning,
			Evidence: []string{
				"configuration.mfa." + f.field + ".updated_at=" + at.UTC().Format(time.RFC3339),
				fmt.Sprintf("configuration.mfa.%s.enabled=%t", f.field, f.factor.Enabled),
			},
		}.timed(*at, f.name+" factor changed "+atMark+" (now "+state+"): a code may go to a new phone or app", pastRelative(*at, now), "at "))
	}
	return out
}

func ruleStale(u User, acts []Activity, now time.Time) []Finding {
	if u.DeletedAt != nil {
		return nil // "deleted" already says more
	}
	tokens := tokenActivities(acts)
	if len(tokens) > 0 {
		last := tokens[0]
		if now.Sub(last.CreatedAt) <= StaleAfter {
			return nil
		}
		return []Finding{Finding{
			Rule: "stale", Severity: Info,
			Evidence: []string{"activity " + last.ID + " " + ActionToken + " at " + last.CreatedAt.UTC().Format(time.RFC3339)},
		}.timed(last.CreatedAt, fmt.Sprintf("no token issued in %d days (the last %s)", int(StaleAfter.Hours()/24), atMark), when(last.CreatedAt, now), "")}
	}
	if u.LastSeenAt == nil {
		return []Finding{{
			Rule: "stale", Severity: Info,
			Text:     "no token issued to this user in the activity log, and never seen",
			Evidence: []string{"no " + ActionToken + " activity", "last_seen_at=null"},
		}}
	}
	if now.Sub(*u.LastSeenAt) <= StaleAfter {
		return nil
	}
	return []Finding{Finding{
		Rule: "stale", Severity: Info,
		Evidence: []string{"no " + ActionToken + " activity", "last_seen_at=" + u.LastSeenAt.UTC().Format(time.RFC3339)},
	}.timed(*u.LastSeenAt, fmt.Sprintf("no token issued in %d days (last seen %s)", int(StaleAfter.Hours()/24), atMark), when(*u.LastSeenAt, now), "")}
}

func ruleManyIPs(_ User, acts []Activity, _ time.Time) []Finding {
	tokens := tokenActivities(acts)
	if len(tokens) > IPWindow {
		tokens = tokens[:IPWindow]
	}
	var ips, evidence []string
	for _, a := range tokens {
		evidence = append(evidence, fmt.Sprintf("activity %s from %s", a.ID, orDash(a.IP)))
		if a.IP != "" && !slices.Contains(ips, a.IP) {
			ips = append(ips, a.IP)
		}
	}
	if len(ips) < 2 {
		return nil
	}
	sev := Info
	if len(ips) >= 3 {
		sev = Warning
	}
	// A loopback address is this machine: tokenbench's own requests to a
	// server on it (the demo's fake records them). Counted, and said.
	shown := slices.Clone(ips)
	for i, ip := range shown {
		if addr, err := netip.ParseAddr(ip); err == nil && addr.IsLoopback() {
			shown[i] = ip + " (this machine: tokenbench's own requests)"
		}
	}
	return []Finding{{
		Rule: "many-ips", Severity: sev,
		Text:     fmt.Sprintf("last %d token requests from %d different IPs: %s", len(tokens), len(ips), textsafe.Bounded(shown, 5)),
		Evidence: evidence,
	}}
}

func tokenActivities(acts []Activity) []Activity {
	var out []Activity
	for _, a := range acts {
		if a.Action == ActionToken {
			out = append(out, a)
		}
	}
	return out
}

func newestFirst(acts []Activity) []Activity {
	out := slices.Clone(acts)
	slices.SortStableFunc(out, func(a, b Activity) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out
}

// when is "2026-11-27 10:00 UTC (2d 4h ago)" in now's location.
func when(t, now time.Time) string {
	return past(t, now)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
