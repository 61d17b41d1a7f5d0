// Package bundle writes a support bundle: a zip that a support engineer
// attaches to a ticket, holding summary.md (what happened, for the next
// reader) and session.har (the session's exchanges). Both are redacted
// twice: the exchanges were recorded redacted, and every file is passed
// through the session's Redactor once more before it is written, so no
// secret of the flow is in the zip in any encoding. It is UI-free.
package bundle

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/textsafe"
)

// Input is what a bundle is made of. Every field may be empty; the summary
// says what is missing rather than leaving it out silently.
type Input struct {
	Version string
	Now     time.Time
	Account string
	Partner string
	Grant   string
	// Profile, User and BaseURL say who ran what where: a failed run's
	// reader needs all three. User is also the case's user: a bundle holds
	// that user's exchanges (a diagnosis's user when empty).
	Profile string
	User    string
	BaseURL string
	// Connection is the ready-made item (the demo's, the configured
	// connections) that ran, when no profile did.
	Connection string
	// ClientID is the API client the run used (a doctor's token is that
	// client's, not the user's).
	ClientID string
	// Error is why the run failed, redacted; "" for a run that did not.
	Error string
	// ErrorDetails are the server's details of that failure (an
	// APIError's AllDetails), redacted: the summary lists them all.
	ErrorDetails []string
	// Exchanges are the session's, as the recorder kept them (redacted).
	// The bundle holds its case's (see Case) unless WholeSession is set.
	Exchanges []record.Exchange
	// WholeSession puts every exchange of the session in the bundle: an
	// explicit choice, since it can carry other customers' data.
	WholeSession bool
	// Replace says a file already at the bundle's path may be replaced.
	Replace bool
	// AccessToken is decoded for its claims; the token itself appears only
	// as a fingerprint.
	AccessToken string
	// NoToken says why the bundle holds no token ("" for "no token in this
	// session"): a bundle about an MFA flow that ended without one.
	NoToken string
	// Verdict is the signature line ("verified (kid …)", "NOT verified: …").
	Verdict string
	// Doctor is the doctor's report, when one was run.
	Doctor *doctor.Report
	// DiagnosedClient is the API client a client diagnosis was about (its
	// client_id): the bundle keeps the clients and grants read for it, cut
	// to that client. ClientDoctor is that diagnosis, when it was made.
	DiagnosedClient string
	ClientDoctor    *doctor.ClientReport
	// Redactor knows every secret of the session; nil is refused.
	Redactor *record.Redactor
}

// Files names the files of a bundle, in the order they are written.
var Files = []string{"summary.md", "session.har"}

// Write makes the zip at path (0600, never half a bundle: see WriteFile)
// and returns its absolute path. Anything at path is refused with an
// ExistsError unless in.Replace is set; then it is replaced atomically (a
// link there is replaced, never written through).
func Write(path string, in Input) (string, error) {
	if in.Redactor == nil {
		return "", fmt.Errorf("bundle: no redactor: refusing to write a bundle that could hold secrets")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("bundle: %w", err)
	}
	data, err := Build(in)
	if err != nil {
		return "", err
	}
	if _, err := WriteFile(abs, data, in.Replace); err != nil {
		var ex *ExistsError
		if errors.As(err, &ex) {
			return "", err
		}
		return "", fmt.Errorf("bundle: writing %s: %w", abs, err)
	}
	return abs, nil
}

// Build returns the zip's bytes.
func Build(in Input) ([]byte, error) {
	if in.Redactor == nil {
		return nil, fmt.Errorf("bundle: no redactor")
	}
	har, err := record.HAR(in.Case().Exchanges, in.Version)
	if err != nil {
		return nil, fmt.Errorf("bundle: HAR: %w", err)
	}
	files := map[string]string{
		"summary.md":  in.Redactor.Redact(Summary(in)),
		"session.har": in.Redactor.Redact(string(har)),
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range Files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: in.Now})
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	return buf.Bytes(), nil
}

// Timeline is the MFA timeline a bundle holds, from its case's exchanges.
// A bundle with a doctor's report is a diagnosis of one user (diagnosis
// true): its timeline is that user's latest MFA flow, or none when the
// session ran none for them. Any other bundle holds its case's latest MFA
// flow.
func (in Input) Timeline() (steps []flows.Step, user string, diagnosis bool) {
	ex := in.Case().Exchanges
	if in.Doctor == nil {
		return flows.Timeline(ex), "", false
	}
	user = in.Doctor.User.Email
	return flows.TimelineFor(ex, user), user, true
}

// NoTimelineFor says that a diagnosis bundle holds no MFA timeline, and why.
func NoTimelineFor(user string) string {
	if user == "" {
		return "no MFA timeline: the diagnosed user has no e-mail to match a flow with"
	}
	return "no MFA flow of " + user + " in this session"
}

// When is an absolute time as a bundle writes it: in UTC, read the same
// wherever and whenever the ticket is opened.
func When(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// whenWritten is the bundle's own time: UTC, and the writer's local time
// with its offset, so that times the user quotes from their screen can be
// matched.
func whenWritten(t time.Time) string {
	s := When(t)
	if _, off := t.Zone(); off != 0 {
		s += " (" + t.Format("2006-01-02 15:04:05 -07:00") + " local)"
	} else {
		s += " (local time is UTC, offset +00:00)"
	}
	return s
}

// Left is the line that says how much of the session a bundle left out.
func (c Case) LeftLine() string {
	switch {
	case c.Whole:
		return "This bundle holds the whole session, by choice: it may hold other users' and accounts' exchanges."
	case c.Left == 0 && c.Trimmed == 0 && c.TrimmedClients == 0 && c.Dropped == 0:
		return "No other exchange of the session was left out."
	}
	s := fmt.Sprintf("%d other exchange(s) of the session were left out (other users, accounts or flows).", c.Left)
	if c.Trimmed > 0 {
		s += fmt.Sprintf(" %d other user(s) were cut from user search answers.", c.Trimmed)
	}
	if c.TrimmedClients > 0 {
		s += fmt.Sprintf(" %d other API client(s) or grant(s) were cut from the clients and grants read.", c.TrimmedClients)
	}
	if c.Dropped > 0 {
		s += fmt.Sprintf(" %d user search or client answer(s) of a shape tokenbench does not read were left out whole (they could not be cut to this case).", c.Dropped)
	}
	return s
}

// Summary is summary.md: the ticket's next reader reads it first. Every
// time in it is absolute; every string from a server or a user is inert
// Markdown.
func Summary(in Input) string {
	var b strings.Builder
	now := in.Now
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := in.Case()

	p("# tokenbench support bundle\n\n")
	p("| | |\n|---|---|\n")
	p("| tool | tokenbench %s |\n", cell(orDash(in.Version)))
	p("| written | %s |\n", whenWritten(now))
	if in.Profile == "" && in.Connection != "" {
		p("| connection | %s |\n", cell(in.Connection))
	} else if in.Profile != "" || in.Error != "" {
		p("| profile | %s |\n", cell(orText(in.Profile, "none (flags and environment)")))
	}
	if user := in.caseUserShown(); user != "" || in.Error != "" {
		p("| user | %s |\n", cell(orText(user, "none (a client's token)")))
	}
	p("| account | %s |\n", cell(accountLine(in.Account)))
	if in.Partner != "" {
		p("| partner | %s → merchant %s |\n", cell(in.Partner), cell(in.Account))
	}
	if in.BaseURL != "" || in.Error != "" {
		p("| base URL | %s |\n", cell(orDash(in.BaseURL)))
	}
	if in.ClientID != "" {
		p("| API client | %s |\n", cell(in.ClientID))
	}
	if in.DiagnosedClient != "" {
		p("| diagnosed API client | %s |\n", cell(in.DiagnosedClient))
	}
	p("| grant | %s |\n", cell(orDash(in.Grant)))
	if in.Error != "" {
		p("| outcome | FAILED: %s |\n", cell(in.Error))
	}
	p("\nTimes are UTC. Secrets (passwords, client secrets, codes, tokens) are not in this bundle: " +
		"each appears as its length or as a fingerprint.\n")
	p("\n%s\n", c.LeftLine())
	if in.Error != "" {
		p("\n## Failed\n\nThe run of %s %s on account %s at %s failed: %s\n",
			in.runItem(), in.runBy(), cell(orDash(in.Account)), cell(orDash(in.BaseURL)), md(in.Error))
		if len(in.ErrorDetails) > 0 {
			p("\nThe server's details (%d):\n\n", len(in.ErrorDetails))
			for _, d := range in.ErrorDetails {
				p("- %s\n", md(in.Redactor.Redact(d)))
			}
		}
	}

	steps, user, diagnosis := in.Timeline()
	if diagnosis {
		// A diagnosis is about one user: another user's flow is no
		// evidence about them, and read as theirs it misleads.
		p("\n## MFA timeline of %s\n\n", cell(orDash(user)))
		if len(steps) == 0 {
			p("%s (another user's flow is not theirs)\n", md(NoTimelineFor(user)))
		} else {
			p("%s\n", md(flows.TimelineSummary(steps)))
		}
	} else {
		p("\n## MFA timeline\n\n")
		if len(steps) == 0 {
			// A bundle holds its case, not the session: it speaks for
			// itself only.
			p("this bundle holds no MFA flow\n")
		} else {
			p("%s\n", md(flows.TimelineSummary(steps)))
		}
	}
	if len(steps) > 0 {
		p("\n| # | time (UTC) | step | outcome | took |\n|---|---|---|---|---|\n")
		for i, s := range steps {
			p("| %d | %s | %s | %s | %s |\n", i+1, When(s.At), cell(s.Label), cell(s.Outcome), flows.Took(s.Duration))
		}
	}

	p("\n## Exchanges\n\n")
	if len(c.Exchanges) == 0 {
		p("none recorded\n")
	} else {
		p("| # | time (UTC) | request | grant / channel | status | error | took |\n|---|---|---|---|---|---|---|\n")
		for _, e := range c.Exchanges {
			status := fmt.Sprint(e.Status)
			if e.Err != "" {
				status = "no answer: " + e.Err
			}
			p("| %d | %s | %s %s | %s | %s | %s | %s |\n", e.ID, When(e.Time),
				cell(e.Method), cell(pathOf(e.URL)), cell(orDash(kindOf(e))), cell(status), cell(orDash(errorCell(e))), flows.Took(e.Duration))
		}
		for _, e := range c.Exchanges {
			if len(e.ErrorDetails) == 0 {
				continue
			}
			p("\nError details of #%d (%s %s, %d):\n\n", e.ID, cell(e.Method), cell(pathOf(e.URL)), e.Status)
			for _, d := range e.ErrorDetails {
				p("- %s\n", md(in.Redactor.Redact(d)))
			}
		}
		p("\nThe requests and answers in full, redacted, are in session.har (open it in a browser's network panel).\n")
	}

	p("\n## Token\n\n")
	writeToken(&b, in)

	if in.Doctor != nil {
		p("\n## Diagnosis of %s\n\n", cell(in.Doctor.User.Email))
		at := in.Doctor.GeneratedAt
		if !at.IsZero() {
			p("Diagnosed at %s.\n\n", When(at))
		}
		for _, f := range in.Doctor.Findings {
			p("- %s **%s** %s  \n  from: %s\n", doctor.Mark(f.Severity), f.Severity, md(f.Absolute()), md(strings.Join(f.Evidence, "; ")))
		}
		if len(in.Doctor.Findings) == 0 {
			p("nothing stands out\n")
		}
		writeProfile(&b, in.Doctor)
	}
	if r := in.ClientDoctor; r != nil {
		writeClientDiagnosis(&b, r)
	}
	return b.String()
}

// runItem is what ran, as the Failed section names it: the profile or the
// connection, or none of them (flags and environment).
func (in Input) runItem() string {
	switch {
	case in.Profile != "":
		return "profile " + cell(in.Profile)
	case in.Connection != "":
		return "connection " + cell(in.Connection)
	}
	return "no profile (flags and environment)"
}

// runBy is whom it ran for: the case's user, or the API client whose run
// it was (a client's token has no user).
func (in Input) runBy() string {
	if user := in.caseUserShown(); user != "" {
		return "for user " + cell(user)
	}
	if c := orText(in.DiagnosedClient, in.ClientID); c != "" {
		return "with API client " + cell(c)
	}
	return "for no user"
}

// caseUserShown is the case's user as given.
func (in Input) caseUserShown() string {
	if in.User != "" {
		return in.User
	}
	if in.Doctor != nil {
		return in.Doctor.User.Email
	}
	return ""
}

// writeProfile is the diagnosed user, every time absolute.
func writeProfile(b *strings.Builder, r *doctor.Report) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	u := r.User
	at := func(t *time.Time, none string) string {
		if t == nil {
			return none
		}
		return When(*t)
	}
	factor := func(f doctor.Factor) string {
		s := "off"
		if f.Enabled {
			s = "on"
		}
		if f.UpdatedAt != nil {
			s += ", changed " + When(*f.UpdatedAt)
		}
		return s
	}
	p("\n### The user\n\n| | |\n|---|---|\n")
	row := func(k, v string) { p("| %s | %s |\n", k, cell(v)) }
	row("name", orDash(u.Name))
	row("e-mail", orDash(u.Email))
	row("id", orDash(u.ID))
	row("account", accountLine(r.Account))
	row("sign-in type", orText(u.AuthenticationType, "password"))
	row("deleted", at(u.DeletedAt, "no"))
	row("last seen", at(u.LastSeenAt, "never"))
	row("MFA SMS", factor(u.MFA.SMS))
	row("MFA TOTP", factor(u.MFA.TOTP))
	for _, role := range u.Roles {
		row("role", role.Name+": "+strings.Join(role.Scope, " "))
	}
	if len(u.Scope) > 0 {
		row("scopes", strings.Join(u.Scope, " "))
	}
	p("\n### Activity (%s)\n\n", doctor.ActivityHeading(len(r.Activities)))
	if len(r.Activities) == 0 {
		p("none recorded\n")
		return
	}
	p("| time (UTC) | action | IP | user agent |\n|---|---|---|---|\n")
	for _, a := range r.Activities {
		p("| %s | %s | %s | %s |\n", When(a.CreatedAt), cell(orDash(a.Action)), cell(orDash(a.IP)), cell(orDash(a.UserAgent)))
	}
}

func writeToken(b *strings.Builder, in Input) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	if in.AccessToken == "" && in.NoToken != "" {
		p("no token: %s\n", md(in.NoToken))
		return
	}
	if in.AccessToken == "" {
		p("no token in this session\n")
		return
	}
	p("- access token: %s\n", cell(record.Fingerprint(in.AccessToken)))
	p("- signature: %s\n", cell(orDash(in.Verdict)))
	tok, err := tokeninfo.Decode(in.AccessToken)
	if err != nil {
		p("- not a decodable JWT: %s\n", cell(err.Error()))
		return
	}
	p("- header: %s\n", cell(tok.HeaderLine()))
	if in.Doctor != nil && !strings.HasPrefix(tok.Subject, "user:") {
		// Said plainly: a reader of a user's ticket expects the user's token.
		client := "the diagnosis's API client"
		if in.ClientID != "" {
			client = "the API client " + cell(in.ClientID)
		}
		p("- this is the token of %s (subject %s), which the diagnosis read the account with: that client's token, not the user's\n", client, cell(tok.Subject))
	} else if in.ClientDoctor != nil {
		// A reader of a client's ticket expects that client's token.
		p("- this is the token of the API client %s (subject %s), which the diagnosis read the account with, not a token of the client diagnosed (%s)\n",
			cell(orDash(in.ClientID)), cell(tok.Subject), cell(in.ClientDoctor.Query.ClientID))
	}
	p("\n| claim | value |\n|---|---|\n")
	row := func(k, v string) { p("| %s | %s |\n", cell(k), cell(v)) }
	row("iss", tok.Issuer)
	row("sub", tok.Subject)
	row("aud", strings.Join(tok.Audience, " "))
	for _, t := range []struct {
		name string
		at   time.Time
	}{{"exp", tok.ExpiresAt}, {"iat", tok.IssuedAt}, {"nbf", tok.NotBefore}} {
		if !t.at.IsZero() {
			row(t.name, When(t.at))
		}
	}
	scopes := append([]string(nil), tok.Scopes...)
	sort.Strings(scopes)
	row("scope", strings.Join(scopes, " "))
	for _, kv := range tok.OtherClaims() {
		row(kv[0], kv[1])
	}
}

func kindOf(e record.Exchange) string {
	switch {
	case e.Fields["grant_type"] != "":
		return e.Fields["grant_type"]
	case e.Fields["oob_channel"] != "":
		return "challenge · " + e.Fields["oob_channel"]
	}
	return ""
}

func accountLine(account string) string {
	switch {
	case account == "":
		return "-"
	case client.IsAccountID(account) && client.IsProduction(account):
		return account + " (PROD)"
	case client.IsAccountID(account):
		return account + " (TEST)"
	}
	return account
}

func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.Index(u[i+3:], "/"); j >= 0 {
			u = u[i+3+j:]
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

// cell makes text safe inside a Markdown table cell on one line; see md.
func cell(s string) string { return md(s) }

// errorCell is an exchange's error in its table row: its code, else its
// message (a validation failure has no code), and how many details follow
// the table.
func errorCell(e record.Exchange) string {
	s := orText(e.ErrorCode, e.ErrorMessage)
	switch n := len(e.ErrorDetails); {
	case n == 1:
		s += " (1 detail below)"
	case n > 1:
		s += fmt.Sprintf(" (%d details below)", n)
	}
	return strings.TrimSpace(s)
}

// mdEscaper backslash-escapes what would make server text live Markdown or
// HTML in a renderer (a ticket system's): links and images need '[', HTML
// and autolinks need '<', code needs '`', and a table cell ends at '|'.
// CommonMark renders each escaped character as itself. Emphasis ('*', '~')
// is escaped too, so a server's **bold** shows as its characters; '_' is
// escaped unless it is between letters or digits (client_credentials),
// where CommonMark never reads it as emphasis: the summary stays readable
// with cat.
//
// '&' is escaped, so a character reference or an entity ("&#x202E;",
// "&rlm;") shows as its characters, never as the character it names (a
// bidi control sanitising took out); '$' is escaped, so GitHub's math
// ($x$, $$x$$) shows as text.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "|", `\|`,
	"*", `\*`, "~", `\~`, "&", `\&`, "$", `\$`)

// escapeUnderscores escapes each run of '_' that has anything but a letter
// or digit on either side: only such a run can open or close emphasis.
func escapeUnderscores(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if rs[i] != '_' {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && rs[j] == '_' {
			j++
		}
		inert := i > 0 && j < len(rs) && isAlnum(rs[i-1]) && isAlnum(rs[j])
		for k := i; k < j; k++ {
			if !inert {
				b.WriteByte('\\')
			}
			b.WriteByte('_')
		}
		i = j
	}
	return b.String()
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// autolinkWWW is where GFM's extended autolinks begin without a scheme.
// Every "www." is broken, not only one after a word boundary: GFM starts
// one after '_', '*', '~' or '(' as well.
var autolinkWWW = regexp.MustCompile(`(?i)www\.`)

// md makes text from a server or a user safe on one line of Markdown:
// sanitised for a terminal (a summary is read with cat too), then escaped.
// Bare autolinks are broken too (GFM links "https://…", "www.…" and
// "name@host" with no markup at all): the ':' of "://", the '.' after
// every "www" and every '@' are escaped, which a renderer shows as
// themselves.
func md(s string) string {
	s = escapeUnderscores(mdEscaper.Replace(textsafe.Sanitize(s)))
	s = strings.ReplaceAll(s, "://", `\://`)
	s = strings.ReplaceAll(s, "@", `\@`)
	s = autolinkWWW.ReplaceAllStringFunc(s, func(w string) string { return w[:3] + `\.` })
	return escapeShortcodes(s)
}

// escapeShortcodes escapes each ':' that opens an emoji shortcode
// (":smile:", ":+1:": a name of letters, digits, '_', '+' or '-' and a
// ':'), so that a renderer with emoji shows the characters. s is escaped
// already: a raw ':' follows an even run of backslashes, and an escaped
// character counts as part of the name.
func escapeShortcodes(s string) string {
	if strings.Count(s, ":") < 2 {
		return s
	}
	var b strings.Builder
	bs := 0 // backslashes just before s[i]
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && bs%2 == 0 && opensShortcode(s[i+1:]) {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
		if s[i] == '\\' {
			bs++
		} else {
			bs = 0
		}
	}
	return b.String()
}

// opensShortcode: rest, what follows a ':', is a shortcode's name and
// its closing ':'.
func opensShortcode(rest string) bool {
	name := func(c byte) bool { return c == '_' || c == '+' || c == '-' || c < utf8.RuneSelf && isAlnum(rune(c)) }
	j := 0
	for j < len(rest) {
		if name(rest[j]) {
			j++
		} else if rest[j] == '\\' && j+1 < len(rest) && name(rest[j+1]) {
			j += 2 // an escaped '_'
		} else {
			break
		}
	}
	// Two digits are a clock's (21:53:00), which names no emoji (:100:
	// and :1234: do).
	clock := j == 2 && rest[0] >= '0' && rest[0] <= '9' && rest[1] >= '0' && rest[1] <= '9'
	return j > 0 && j < len(rest) && rest[j] == ':' && !clock
}

func orDash(s string) string { return orText(s, "-") }

func orText(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// A finding's text says when relative to the diagnosis ("2h 0m ago"), which
// is stale by the time a ticket is read: absolute turns it into a time.
var (
	// withRelative is "2026-11-27 10:00 UTC (2d 4h ago)": the time is
	// there already.
	withRelative = regexp.MustCompile(`(\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)? [A-Za-z0-9+-]+) \((?:\d+[dhms] )*\d+[dhms] ago\)`)
	relativeAgo  = regexp.MustCompile(`\b((?:\d+[dhms] )*\d+[dhms]) ago\b`)
	relativePart = regexp.MustCompile(`(\d+)([dhms])`)
)

// absolute rewrites the relative times of a finding made at at as
// absolute ones (UTC, to the precision the relative one had).
func absolute(s string, at time.Time) string {
	s = withRelative.ReplaceAllString(s, "$1")
	if at.IsZero() {
		return s
	}
	return relativeAgo.ReplaceAllStringFunc(s, func(m string) string {
		var d time.Duration
		for _, p := range relativePart.FindAllStringSubmatch(m, -1) {
			n, _ := strconv.Atoi(p[1])
			d += time.Duration(n) * map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute, "s": time.Second}[p[2]]
		}
		return "at about " + When(at.Add(-d))
	})
}

// writeClientDiagnosis is the client diagnosis: findings first, then the
// client and its grants, every time absolute.
func writeClientDiagnosis(b *strings.Builder, r *doctor.ClientReport) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	at := r.GeneratedAt
	p("\n## Diagnosis of API client %s\n\n", cell(r.Query.ClientID))
	if !at.IsZero() {
		p("Diagnosed at %s, for audience %s", When(at), cell(r.Query.Audience))
		if r.Query.Grant != "" {
			p(" by grant type %s", cell(r.Query.Grant))
		}
		p(".\n\n")
	}
	for _, f := range r.Findings {
		p("- %s **%s** %s  \n  from: %s\n", doctor.Mark(f.Severity), f.Severity, md(absolute(f.Text, at)), md(absolute(strings.Join(f.Evidence, "; "), at)))
	}
	if len(r.Findings) == 0 {
		p("nothing stands out\n")
	}
	c := r.Client
	if c == nil {
		return
	}
	when := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return When(*t)
	}
	p("\n| client | |\n|---|---|\n")
	p("| client_id | %s |\n| id | %s |\n| name | %s |\n", cell(c.ClientID), cell(c.ID), cell(orDash(c.Name)))
	p("| created | %s |\n| deleted | %s |\n", cell(when(c.CreatedAt)), cell(when(c.DeletedAt)))
	p("\n| grant | audience | type | scopes | deleted |\n|---|---|---|---|---|\n")
	for _, g := range r.Grants {
		p("| %s | %s | %s | %s | %s |\n", cell(g.ID), cell(g.Audience), cell(g.TypeText()), cell(strings.Join(g.Scope, " ")), cell(when(g.DeletedAt)))
	}
	if len(r.Grants) == 0 {
		p("| (none) | | | | |\n")
	}
}
