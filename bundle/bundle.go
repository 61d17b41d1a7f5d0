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
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/atomicfile"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

// Input is what a bundle is made of. Every field may be empty; the summary
// says what is missing rather than leaving it out silently.
type Input struct {
	Version string
	Now     time.Time
	Account string
	Partner string
	Grant   string
	// Exchanges are the session's, as the recorder kept them (redacted).
	Exchanges []client.Exchange
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
	// Redactor knows every secret of the session; nil is refused.
	Redactor *client.Redactor
}

// Files names the files of a bundle, in the order they are written.
var Files = []string{"summary.md", "session.har"}

// Write makes the zip at path (0600, replaced atomically: a reader never
// sees half a bundle, and a link at path is replaced, not written through)
// and returns its absolute path.
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
	if err := atomicfile.WriteFile(abs, data, 0o600); err != nil {
		return "", fmt.Errorf("bundle: writing %s: %w", abs, err)
	}
	return abs, nil
}

// Build returns the zip's bytes.
func Build(in Input) ([]byte, error) {
	if in.Redactor == nil {
		return nil, fmt.Errorf("bundle: no redactor")
	}
	har, err := client.HAR(in.Exchanges, in.Version)
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

// Timeline is the MFA timeline a bundle holds. A bundle with a doctor's
// report is a diagnosis of one user (diagnosis true): its timeline is that
// user's latest MFA flow in the session, or none when the session ran none
// for them. Any other bundle holds the session's latest MFA flow.
func (in Input) Timeline() (steps []flows.Step, user string, diagnosis bool) {
	if in.Doctor == nil {
		return flows.Timeline(in.Exchanges), "", false
	}
	user = in.Doctor.User.Email
	return flows.TimelineFor(in.Exchanges, user), user, true
}

// NoTimelineFor says that a diagnosis bundle holds no MFA timeline, and why.
func NoTimelineFor(user string) string {
	if user == "" {
		return "no MFA timeline: the diagnosed user has no e-mail to match a flow with"
	}
	return "no MFA flow of " + user + " in this session"
}

// Summary is summary.md: the ticket's next reader reads it first.
func Summary(in Input) string {
	var b strings.Builder
	now := in.Now
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("# tokenbench support bundle\n\n")
	p("| | |\n|---|---|\n")
	p("| tool | tokenbench %s |\n", cell(orDash(in.Version)))
	p("| written | %s |\n", now.Format(time.RFC3339))
	p("| account | %s |\n", cell(accountLine(in.Account)))
	if in.Partner != "" {
		p("| partner | %s → merchant %s |\n", cell(in.Partner), cell(in.Account))
	}
	p("| grant | %s |\n", cell(orDash(in.Grant)))
	p("\nSecrets (passwords, client secrets, codes, tokens) are not in this bundle: " +
		"each appears as its length or as a fingerprint.\n")

	steps, user, diagnosis := in.Timeline()
	if diagnosis {
		// A diagnosis is about one user: another user's flow is no
		// evidence about them, and read as theirs it misleads.
		p("\n## MFA timeline of %s\n\n", cell(orDash(user)))
		if len(steps) == 0 {
			p("%s (another user's flow is not theirs: see Exchanges)\n", md(NoTimelineFor(user)))
		} else {
			p("%s\n", flows.TimelineSummary(steps))
		}
	} else {
		p("\n## MFA timeline\n\n")
		p("%s\n", flows.TimelineSummary(steps))
	}
	if len(steps) > 0 {
		p("\n| # | time | step | outcome | took |\n|---|---|---|---|---|\n")
		for i, s := range steps {
			p("| %d | %s | %s | %s | %s |\n", i+1, s.At.In(now.Location()).Format("15:04:05 MST"), cell(s.Label), cell(s.Outcome), flows.Took(s.Duration))
		}
	}

	p("\n## Exchanges\n\n")
	if len(in.Exchanges) == 0 {
		p("none recorded\n")
	} else {
		p("| # | time | request | grant / channel | status | error | took |\n|---|---|---|---|---|---|---|\n")
		for _, e := range in.Exchanges {
			status := fmt.Sprint(e.Status)
			if e.Err != "" {
				status = "no answer: " + e.Err
			}
			p("| %d | %s | %s %s | %s | %s | %s | %s |\n", e.ID, e.Time.In(now.Location()).Format("15:04:05 MST"),
				e.Method, cell(pathOf(e.URL)), cell(orDash(kindOf(e))), cell(status), cell(orDash(e.ErrorCode)), flows.Took(e.Duration))
		}
		p("\nThe requests and answers in full, redacted, are in session.har (open it in a browser's network panel).\n")
	}

	p("\n## Token\n\n")
	writeToken(&b, in, now)

	if in.Doctor != nil {
		p("\n## Diagnosis of %s\n\n", cell(in.Doctor.User.Email))
		for _, f := range in.Doctor.Findings {
			p("- %s **%s** %s  \n  from: %s\n", doctor.Mark(f.Severity), f.Severity, md(f.Text), md(strings.Join(f.Evidence, "; ")))
		}
		if len(in.Doctor.Findings) == 0 {
			p("nothing stands out\n")
		}
		var rep strings.Builder
		_ = in.Doctor.WriteProfile(&rep, now)
		p("\n```\n%s```\n", strings.ReplaceAll(rep.String(), "```", "'''"))
	}
	return b.String()
}

func writeToken(b *strings.Builder, in Input, now time.Time) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	if in.AccessToken == "" && in.NoToken != "" {
		p("no token: %s\n", md(in.NoToken))
		return
	}
	if in.AccessToken == "" {
		p("no token in this session\n")
		return
	}
	p("- access token: %s\n", cell(client.Fingerprint(in.AccessToken)))
	p("- signature: %s\n", cell(orDash(in.Verdict)))
	tok, err := tokeninfo.Decode(in.AccessToken)
	if err != nil {
		p("- not a decodable JWT: %s\n", cell(err.Error()))
		return
	}
	p("- header: %s\n", cell(tok.HeaderLine()))
	if in.Doctor != nil && !strings.HasPrefix(tok.Subject, "user:") {
		// Said plainly: a reader of a user's ticket expects the user's token.
		p("- this is the token the diagnosis read the account with (subject %s), not the user's\n", cell(tok.Subject))
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
			row(t.name, tokeninfo.FormatTime(t.at, now))
		}
	}
	scopes := append([]string(nil), tok.Scopes...)
	sort.Strings(scopes)
	row("scope", strings.Join(scopes, " "))
	for _, kv := range tok.OtherClaims() {
		row(kv[0], kv[1])
	}
}

func kindOf(e client.Exchange) string {
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

// mdEscaper backslash-escapes what would make server text live Markdown or
// HTML in a renderer (a ticket system's): links and images need '[', HTML
// and autolinks need '<', code needs '`', and a table cell ends at '|'.
// CommonMark renders each escaped character as itself. Emphasis ('*', '_')
// is left alone: it fetches nothing, and escaping every underscore would
// make client_credentials unreadable in a plain text viewer.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "|", `\|`)

// md makes text from a server or a user safe on one line of Markdown:
// sanitised for a terminal (a summary is read with cat too), then escaped.
func md(s string) string { return mdEscaper.Replace(client.Sanitize(s)) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
