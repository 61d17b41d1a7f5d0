package ui

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

func TestNotFoundOnTheTokenPathSuggestsTheBaseURL(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(testContext(clk))
	press(t, m, "enter") // client_credentials
	fillClientCredentials(t, m, strings.TrimSuffix(srv.URL, "/v1"))
	press(t, m, "enter")
	requireShows(t, m, "404", "Dintero's ends in /v1")
}

// posContext is the demo's connections with the one whose grants are
// wrong: the POS integration, third on home.
func posContext(t *testing.T, clk *testClock, srv *dinterotest.Server) *common.Context {
	ctx := demoContext(t, clk, srv)
	pos := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantClientCredentials,
		ClientID: dinterotest.DemoPOSClient, ClientSecret: dinterotest.DemoPOSSecret}
	ctx.Connections = append(ctx.Connections, common.Connection{Name: "POS integration", BaseURL: srv.URL, Request: pos, Channel: client.ChannelSMS})
	return ctx
}

// Issue 17 items 1 and 5: a token request the client's grants refuse opens
// the error view with Dintero's details and offers u, which diagnoses that
// client for that audience and grant: the finding that explains the
// failure comes first.
func TestFailedRequestOffersTheClientDiagnosis(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(posContext(t, clk, srv))
	runConnection(t, m, 2)
	wantScreen(t, m, "request failed")
	requireShows(t, m, "400 Validation failed: audience must be a grant associated with the client",
		"Dintero's error details (1)", "u diagnose client", "read with client "+dinterotest.DemoClientID)
	press(t, m, "u")
	wantScreen(t, m, "diagnose client")
	view := squash(viewText(m))
	first := squash("✗ client " + dinterotest.DemoPOSClient + " has grants for")
	i := strings.Index(view, first)
	if i < 0 || i > strings.Index(view, squash("Findings"))+len(squash("Findings"))+2 {
		t.Fatalf("the finding that explains the failure is not first:\n%s", viewText(m))
	}
	for range 20 {
		press(t, m, "down")
	}
	requireShows(t, m, "Grants (3, 1 deleted)", "✗ https://api.dintero.com/v1/accounts/T11223344  type client_credentials")
	// Back leads to the error view, then to where the request was sent.
	press(t, m, "esc")
	wantScreen(t, m, "request failed")
	press(t, m, "esc")
	if onScreen(m, "request failed") {
		t.Fatalf("esc stays on the error view:\n%s", viewText(m))
	}
}

// Issue 17 item 1: every detail shows, sanitised; an error the grants do
// not explain does not offer u, and u there does nothing.
func TestErrorViewShowsEveryDetailAndOffersOnlyWhatWorks(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	srv.SetFault(&dinterotest.Fault{Status: 400, Code: "-", Message: "Validation failed", Times: 1, Details: []dinterotest.Detail{
		{Field: "username", Message: "username should be an e-mail"},
		{Field: "scope", Message: "scope \x1b]52;c;ZXZpbA==\x07 is unknown"},
		{Field: "x", Message: "third detail"},
	}})
	press(t, m, "enter")
	wantScreen(t, m, "request failed")
	requireShows(t, m, "400 -: Validation failed: username should be an e-mail", "Dintero's error details (3)",
		"• username should be an e-mail", "• x: third detail", "]52;c;ZXZpbA== is unknown")
	if v := viewText(m); strings.Contains(v, "\x1b]") || strings.Contains(v, "\x07") {
		t.Fatalf("server text not sanitised: %q", v)
	}
	requireHides(t, m, "diagnose client")
	press(t, m, "u")
	wantScreen(t, m, "request failed")
	press(t, m, "esc")
	wantScreen(t, m, "request · client_credentials")
	requireShows(t, m, "✗ 400 -: Validation failed: username should be an e-mail")
}

// Issue 17 item 5: the diagnose screen shows the client's grants beside a
// user's factors when both are known (below them on a narrow screen).
func TestClientGrantsBesideTheUsersFactors(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := posContext(t, clk, srv)
	ctx.Width, ctx.Height = 130, 60
	m := New(ctx)
	runConnection(t, m, 2)
	press(t, m, "u", "e")
	typeText(t, m, dinterotest.DemoMFAUser)
	press(t, m, "enter")
	wantScreen(t, m, "diagnose client")
	beside := false
	for _, l := range strings.Split(viewText(m), "\n") {
		if (strings.Contains(l, "type client_credentials") || strings.Contains(l, "scopes read:checkout")) && strings.Contains(l, "MFA         SMS on") {
			beside = true
		}
	}
	if !beside {
		t.Fatalf("the user's MFA factors are not beside the client's grants:\n%s", viewText(m))
	}
	requireShows(t, m, "Grants (3, 1 deleted)", "✗ client demo-pos has grants for", "user        Mia Fa <mfa@example.com>")
}

// Issue 17 item 5: u is offered only where it works: with no other
// connection to the account, the failed client would read its own grants
// with the token it just failed to get, so the screen names the command
// instead.
func TestNoClientDiagnosisWithoutAReader(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := posContext(t, clk, srv)
	ctx.Connections = ctx.Connections[2:]
	m := New(ctx)
	runConnection(t, m, 0)
	wantScreen(t, m, "request failed")
	requireShows(t, m, "audience must be a grant associated with the client")
	if v := squash(viewText(m)); !strings.Contains(v, squash("run tokenbench doctor --client "+dinterotest.DemoPOSClient)) {
		t.Fatalf("does not say how to read the grants:\n%s", viewText(m))
	}
	requireHides(t, m, "diagnose client")
	press(t, m, "u")
	wantScreen(t, m, "request failed")
}
