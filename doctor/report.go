package doctor

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/textsafe"
)

// APIDirectory reads users from an account's management API (contract §9).
// Get sends an authenticated GET to a path below the API base and returns
// the body of a 2xx answer; the CLI and the TUI pass the client's.
type APIDirectory struct {
	Account string
	Get     func(ctx context.Context, path string) ([]byte, error)
}

// SearchUsers implements Directory.
func (d APIDirectory) SearchUsers(ctx context.Context, query string) ([]User, error) {
	q := url.Values{"search": {query}, "expand": {"roles"}}
	body, err := d.Get(ctx, "/accounts/"+url.PathEscape(d.Account)+"/management/users?"+q.Encode())
	if err != nil {
		return nil, err
	}
	return ParseUsers(body)
}

// UserActivities implements Directory.
func (d APIDirectory) UserActivities(ctx context.Context, userID string) ([]Activity, error) {
	body, err := d.Get(ctx, "/accounts/"+url.PathEscape(d.Account)+"/management/users/"+url.PathEscape(userID)+"/activities")
	if err != nil {
		return nil, err
	}
	return ParseActivities(body)
}

// ScopeNeeded is what a token must carry to read users and activities.
const ScopeNeeded = "read:accounts"

// clean makes server text safe for a terminal and one line.
func clean(s string) string { return textsafe.Sanitize(s) }

// WriteText prints the report for a person: identity, factors, roles, the
// latest activity and the findings. Every string from the server is
// sanitised. now is the reader's clock, for relative times.
func (r *Report) WriteText(w io.Writer, now time.Time) error {
	var b strings.Builder
	r.writeProfile(&b, now)
	writeFindings(&b, r.Findings)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFindings lists findings for a person, each with its evidence: one
// layout for the user and the client diagnosis.
func writeFindings(b *strings.Builder, fs []Finding) {
	b.WriteString("\nfindings\n")
	if len(fs) == 0 {
		b.WriteString("  nothing stands out\n")
	}
	for _, f := range fs {
		fmt.Fprintf(b, "  %s %s\n", Mark(f.Severity), clean(f.Text))
		fmt.Fprintf(b, "      from %s\n", cleanJoinSep(f.Evidence, "; "))
	}
}

// WriteProfile prints the report without its findings: who the user is and
// what they did (a bundle lists the findings on their own).
func (r *Report) WriteProfile(w io.Writer, now time.Time) error {
	var b strings.Builder
	r.writeProfile(&b, now)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) writeProfile(b *strings.Builder, now time.Time) {
	u := r.User
	line := func(label, value string) { fmt.Fprintf(b, "%-11s %s\n", label, value) }

	name := clean(u.Name)
	if name == "" {
		name = "(no name)"
	}
	line("user", fmt.Sprintf("%s <%s>  id %s", name, clean(u.Email), clean(u.ID)))
	line("account", clean(r.Account)+" "+envBadge(r.Account))
	signIn := "Dintero password"
	if u.External() {
		signIn = "external identity provider"
	} else if t := clean(u.AuthenticationType); t != "" && t != "password" {
		signIn = t + " (unknown sign-in type)"
	}
	line("signs in", signIn)
	if u.DeletedAt != nil {
		line("status", "DELETED "+past(*u.DeletedAt, now))
	} else {
		line("status", "active")
	}
	if u.LastSeenAt != nil {
		line("last seen", past(*u.LastSeenAt, now))
	} else {
		line("last seen", "never")
	}
	line("MFA", factorText("SMS", u.MFA.SMS, now)+" · "+factorText("TOTP", u.MFA.TOTP, now))
	if len(u.Roles) == 0 {
		line("roles", "none")
	}
	for i, role := range u.Roles {
		label := ""
		if i == 0 {
			label = "roles"
		}
		line(label, clean(role.Name)+": "+cleanJoin(role.Scope))
	}
	if len(u.Scope) > 0 {
		line("scopes", cleanJoin(u.Scope))
	}

	fmt.Fprintf(b, "\nactivity (%s)\n", ActivityHeading(len(r.Activities)))
	if len(r.Activities) == 0 {
		b.WriteString("  none recorded\n")
	}
	// Columns as wide as their widest cell, so a long action name does not
	// push its row out of line.
	relW, actW, ipW := 0, 0, 0
	for _, a := range r.Activities {
		relW = max(relW, len(pastRelative(a.CreatedAt, now)))
		actW = max(actW, len(clean(a.Action)))
		ipW = max(ipW, len(orDash(clean(a.IP))))
	}
	for _, a := range r.Activities {
		fmt.Fprintf(b, "  %s  %-*s  %-*s  %-*s  %s\n",
			a.CreatedAt.In(now.Location()).Format("2006-01-02 15:04:05 MST"),
			relW, pastRelative(a.CreatedAt, now), actW, clean(a.Action), ipW, orDash(clean(a.IP)), orDash(clean(a.UserAgent)))
	}
}

// Mark is a finding's one-character severity sign, readable without colour.
func Mark(s Severity) string {
	switch s {
	case Blocker:
		return "✗"
	case Warning:
		return "!"
	}
	return "·"
}

func factorText(name string, f Factor, now time.Time) string {
	s := name + " off"
	if f.Enabled {
		s = name + " on"
	}
	if f.UpdatedAt != nil {
		s += " (changed " + pastRelative(*f.UpdatedAt, now) + ")"
	}
	return s
}

func envBadge(account string) string {
	switch {
	case client.IsAccountID(account) && client.IsProduction(account):
		return "PROD"
	case client.IsAccountID(account):
		return "TEST"
	}
	return ""
}

func cleanJoin(ss []string) string { return cleanJoinSep(ss, " ") }

func cleanJoinSep(ss []string, sep string) string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, clean(s))
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, sep)
}

// clockSkew is how far in the future a past event may be before the
// report says so rather than "in 3s".
const clockSkew = time.Minute

// pastRelative is when something that has happened happened: "2h 5m ago",
// or "in the future: clock skew?" when the server's clock (or ours) is off.
func pastRelative(t, now time.Time) string {
	if t.Sub(now) > clockSkew {
		return "in the future: clock skew?"
	}
	if t.After(now) {
		return "now"
	}
	return tokeninfo.Relative(t, now)
}

// past is when with the time of an event that has happened.
func past(t, now time.Time) string {
	return t.In(now.Location()).Format("2006-01-02 15:04 MST") + " (" + pastRelative(t, now) + ")"
}
