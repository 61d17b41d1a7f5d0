package bundle_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	stdhtml "html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
)

// hostile is what a hostile server puts in every field: a link, an image,
// HTML, bare autolinks of each kind GFM knows, code and a cell break.
const hostile = "[x](https://evil.example/a) ![i](https://evil.example/p.png) <img src=https://evil.example/i.png> <b>bold</b> " +
	"https://evil.example/bare www.evil.example mailto:m@evil.example ftp://evil.example/f spy@evil.example `c` | d &lt;script&gt; " +
	"_www.under.evil.example x_www.mid.evil.example **BOLD** __BOLD2__ *EM* _EM2_ ~~STRIKE~~ ~STRIKE2~ " +
	"&#x202E;rtl &#27;[31m &rlm; $x$ :smile:"

func jwtWith(header, claims map[string]any) string {
	enc := func(v any) string {
		data, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(data)
	}
	return enc(header) + "." + enc(claims) + "." + base64.RawURLEncoding.EncodeToString([]byte("not-a-signature-but-long-enough"))
}

// hostileServer answers a token request with a token whose every claim is
// hostile, a password login with a hostile mfa_required, and a challenge
// with a hostile error.
func hostileServer(t *testing.T, token string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Note", hostile)
		switch {
		case strings.HasSuffix(r.URL.Path, "/auth/token") && body["grant_type"] == "client_credentials":
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": 3600})
		case strings.HasSuffix(r.URL.Path, "/auth/token"):
			w.WriteHeader(http.StatusForbidden)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": "mfa_required", "message": hostile, "mfa_token": "mfa_" + strings.Repeat("z", 30)}})
		default:
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": hostile, "message": hostile}})
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// render is summary.md as a ticket system shows it: GitHub-flavoured
// Markdown (tables, bare autolinks), raw HTML passed through.
func render(t *testing.T, md string) string {
	t.Helper()
	var out bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := gm.Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// Every string from the server is inert in summary.md: rendered as a
// ticket system renders it, it makes no link, image or HTML element, and
// it is still there to read.
func TestSummaryFromAHostileServerIsInertMarkdown(t *testing.T) {
	at := time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)
	token := jwtWith(map[string]any{"alg": "RS256", "kid": hostile, "typ": hostile},
		map[string]any{"sub": hostile, "iss": hostile, "aud": hostile, "scope": hostile, "note": hostile,
			"exp": at.Add(time.Hour).Unix(), "iat": at.Unix()})
	srv := hostileServer(t, token)
	rd := &record.Redactor{}
	rec := &record.Recorder{Redactor: rd}
	c, err := client.New(client.Options{BaseURL: srv.URL, Recorder: rec, Redactor: rd})
	if err != nil {
		t.Fatal(err)
	}
	rn := flows.NewRunner(c)
	ctx := context.Background()
	_, s, err := rn.Start(ctx, flows.Request{Account: "T11223344", ClientID: "cid", ClientSecret: "a-client-secret",
		Grant: client.GrantPassword, Username: "mia@evil.example", Password: "a-password"})
	if err != nil || s == nil {
		t.Fatalf("start: %v", err)
	}
	_ = rn.Challenge(ctx, s, client.ChannelSMS)

	h := hostile
	seen := at.Add(-time.Hour)
	rep := &doctor.Report{Account: "T11223344", GeneratedAt: at, User: doctor.User{ID: h, Email: "mia@evil.example", Name: h,
		AuthenticationType: h, LastSeenAt: &seen, Scope: doctor.Scopes{h}, Roles: []doctor.Role{{Name: h, Scope: doctor.Scopes{h}}}},
		Activities: []doctor.Activity{{ID: h, CreatedAt: seen, Action: h, IP: h, UserAgent: h}},
		Findings:   []doctor.Finding{{Rule: h, Severity: doctor.Warning, Text: h, Evidence: []string{h, h}}}}
	in := bundle.Input{Version: h, Now: at, Account: "T11223344", Partner: h, Grant: h, Profile: h, User: "mia@evil.example",
		BaseURL: srv.URL + "/" + h, ClientID: h, Error: h, Exchanges: rec.Exchanges(), AccessToken: token, Verdict: h, Doctor: rep, Redactor: rd}

	for name, in := range map[string]bundle.Input{"diagnosis": in, "whole session, no token": {Now: at, Account: h, Profile: h, User: h, NoToken: h, Exchanges: in.Exchanges, WholeSession: true, Error: h, Redactor: rd}} {
		sum := bundle.Summary(in)
		if !strings.Contains(sum, "stopped at challenge") {
			t.Fatalf("%s: the timeline with the hostile answer is missing:\n%s", name, sum)
		}
		out := render(t, sum)
		allowed := map[string]bool{"h1": true, "h2": true, "h3": true, "p": true, "table": true, "thead": true, "tbody": true,
			"tr": true, "th": true, "td": true, "ul": true, "li": true, "strong": true, "em": true, "code": true, "pre": true, "br": true, "del": true}
		for _, m := range regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)`).FindAllStringSubmatch(out, -1) {
			if !allowed[strings.ToLower(m[2])] {
				t.Errorf("%s: summary.md renders a live <%s> element", name, m[2])
			}
		}
		if strings.Contains(out, "href=") || strings.Contains(out, "src=\"") {
			t.Errorf("%s: summary.md renders a link or an image", name)
		}
		// Emphasis from the server is shown as its characters, never as
		// emphasis (summary.md's own ** headings may be).
		for _, m := range regexp.MustCompile(`<(strong|em|del)>([^<]*)</`).FindAllStringSubmatch(out, -1) {
			if strings.Contains(m[2], "BOLD") || strings.Contains(m[2], "EM") || strings.Contains(m[2], "STRIKE") || strings.Contains(m[2], "evil") {
				t.Errorf("%s: the server's text renders as <%s>%s", name, m[1], m[2])
			}
		}
		if !strings.Contains(out, "_www.under.evil.example") || !strings.Contains(out, "**BOLD**") || !strings.Contains(out, "~~STRIKE~~") {
			t.Errorf("%s: the server's emphasis characters are not shown as they were", name)
		}
		// A character reference shows as its characters: no bidi
		// control or escape comes back through the renderer.
		if txt := stdhtml.UnescapeString(out); strings.ContainsAny(txt, "\u202e\u200f\x1b") || !strings.Contains(txt, "&#x202E;rtl &#27;") {
			t.Errorf("%s: a character reference in the server's text renders as the character it names", name)
		}
		// GitHub's math and emoji shortcodes are escaped.
		if !strings.Contains(sum, `\$x\$ \:smile:`) {
			t.Errorf("%s: the server's $x$ or :smile: is left live in summary.md", name)
		}
		if !strings.Contains(out, "evil.example/bare") || !strings.Contains(out, "&lt;img src=https:") {
			t.Errorf("%s: the server's text is gone, not shown inert", name)
		}
		if t.Failed() {
			t.Logf("%s: summary.md:\n%s\nrendered:\n%s", name, sum, out)
		}
	}
}

// summary.md says when in absolute times, UTC and the writer's offset,
// never "ago" or "in", which are stale when the ticket is read; a failed
// run names its profile, user, account, base URL and error.
func TestSummaryTimesAreAbsoluteAndAFailureNamesItsRun(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	now := time.Date(2026, 12, 6, 22, 53, 8, 0, zone)
	token := jwtWith(map[string]any{"alg": "RS256", "typ": "JWT"},
		map[string]any{"sub": "client:cid", "exp": now.Add(111 * time.Second).Unix(), "iat": now.Add(-8 * time.Second).Unix()})
	seen := now.Add(-8 * time.Second)
	rep := &doctor.Report{Account: "T11223344", GeneratedAt: now, User: doctor.User{Email: "ada@example.com", LastSeenAt: &seen,
		MFA: doctor.MFA{SMS: doctor.Factor{Enabled: true, UpdatedAt: &seen}}},
		Activities: []doctor.Activity{{CreatedAt: seen, Action: "auth.token"}}}
	// The doctor's own findings, which say "8s ago" on a terminal.
	rep.Findings = doctor.Diagnose(rep.User, rep.Activities, now)
	if !strings.Contains(rep.Findings[0].Text, "8s ago") {
		t.Fatalf("finding: %+v", rep.Findings[0])
	}
	ex := []record.Exchange{{ID: 1, Time: seen, Method: "POST", URL: "https://api.example/v1/accounts/T11223344/auth/token", Status: 401, ErrorCode: "invalid_client"}}
	sum := bundle.Summary(bundle.Input{Now: now, Account: "T11223344", Profile: "support-prod", User: "ada@example.com",
		BaseURL: "https://api.example/v1", ClientID: "doctor-client", Error: "invalid_client: the client secret is wrong",
		Exchanges: ex, AccessToken: token, Doctor: rep, Redactor: &record.Redactor{}})
	for _, stale := range []string{" ago", "in 1m", "(in ", "8s"} {
		if strings.Contains(sum, stale) {
			t.Errorf("summary.md holds the relative time %q", stale)
		}
	}
	for _, want := range []string{
		"| written | 2026-12-06 21:53:08 UTC (2026-12-06 22:53:08 +01:00 local) |",
		"| 1 | 2026-12-06 21:53:00 UTC | POST /v1/accounts/T11223344/auth/token |",
		"| exp | 2026-12-06 21:54:59 UTC |", "| last seen | 2026-12-06 21:53:00 UTC |",
		// The exact time of the data, as the user table says it.
		"SMS factor changed at 2026-12-06 21:53:00 UTC (now on)",
		"| profile | support-prod |", `| user | ada\@example.com |`, "| base URL | https\\://api.example/v1 |",
		"| API client | doctor-client |", "| outcome | FAILED: invalid_client: the client secret is wrong |",
		"this is the token of the API client doctor-client (subject client:cid), which the diagnosis read the account with: that client's token, not the user's",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary.md lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("summary.md:\n%s", sum)
	}
}
