package failure_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/failure"
)

// posRequest is the demo's API client whose grants do not cover the
// account's audience: its client_credentials request fails.
var posRequest = flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantClientCredentials,
	ClientID: dinterotest.DemoPOSClient, ClientSecret: dinterotest.DemoPOSSecret}

// sendFailing sends req to the fake server and returns its error (the
// test fails if there is none).
func sendFailing(t *testing.T, ctx *common.Context, base string, req flows.Request) error {
	t.Helper()
	r, err := ctx.NewRunner(base)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Start(context.Background(), req)
	if err == nil {
		t.Fatalf("%s request of %s did not fail", req.Grant, req.ClientID)
	}
	return err
}

// screen is the page's body as the root sizes it for ctx's terminal and
// the chrome clips it (the page draws every line from its scroll on).
func screen(p common.Page, ctx *common.Context) string {
	return common.ClipLines(uitest.Screen(p, ctx.Width-2, ctx.Height-4), ctx.Height-4)
}

// The grants of the failed client explain the failure, and another
// connection to the account can read them: the view shows the error and
// its detail, offers u, and u asks the root for the client diagnosis of
// the failed client for its audience and grant, read with the other
// client, with the failure for its bundle.
func TestClientGrantsFailureOffersUAndAsksTheRootForTheDiagnosis(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	err := sendFailing(t, ctx, srv.URL, posRequest)
	p := failure.New(ctx, err, posRequest, srv.URL, nil, ctx.Connections)
	if p == nil {
		t.Fatal("no error view for a failure the client's grants explain")
	}
	view := screen(p, ctx)
	uitest.RequireShows(t, view, "The token request failed", "audience must be a grant associated with the client",
		"Dintero's error details (1)", "u diagnoses client "+dinterotest.DemoPOSClient, "read with client "+dinterotest.DemoClientID)
	if !hasKey(p, "u") {
		t.Fatal("the help does not offer u")
	}
	_, cmds := uitest.Press(p, "u")
	msgs := uitest.Messages(cmds[0])
	if len(msgs) != 1 {
		t.Fatalf("u: %#v", msgs)
	}
	asked, ok := msgs[0].(common.DiagnoseAskedMsg)
	if !ok {
		t.Fatalf("u sent %T, want common.DiagnoseAskedMsg", msgs[0])
	}
	if asked.ClientQ == nil || asked.ClientQ.ClientID != dinterotest.DemoPOSClient || asked.ClientQ.Grant != string(client.GrantClientCredentials) ||
		asked.ClientQ.Audience != client.DefaultAudience(dinterotest.DemoAccount) {
		t.Fatalf("u diagnoses %+v", asked.ClientQ)
	}
	if asked.Src.Request.ClientID != dinterotest.DemoClientID || asked.Src.BaseURL != srv.URL || asked.User != "" {
		t.Fatalf("u reads with %+v (user %q)", asked.Src.Request, asked.User)
	}
	if f := asked.Src.Failure; f == nil || !strings.Contains(f.Error, dinterotest.DemoPOSClient) || len(f.Details) != 1 || f.Grant != string(client.GrantClientCredentials) {
		t.Fatalf("the failure for the bundle: %+v", asked.Src.Failure)
	}
	if p.TakesText() {
		t.Fatal("the error view takes text")
	}
	var badge common.AccountNamer = p
	if got := badge.Account(); got != dinterotest.DemoAccount {
		t.Fatalf("the badge names %q", got)
	}
}

// A password request the grants refuse diagnoses its user beside the
// client.
func TestClientDiagnosisOfAPasswordRequestNamesItsUser(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	req := posRequest
	req.Grant, req.Username, req.Password = client.GrantPassword, dinterotest.DemoMFAUser, dinterotest.DemoPassword
	err := sendFailing(t, ctx, srv.URL, posRequest)
	p := failure.New(ctx, err, req, srv.URL, nil, ctx.Connections)
	if p == nil {
		t.Fatal("no error view")
	}
	_, cmds := uitest.Press(p, "u")
	msgs := uitest.Messages(cmds[0])
	if len(msgs) != 1 {
		t.Fatalf("u: %#v", msgs)
	}
	if asked := msgs[0].(common.DiagnoseAskedMsg); asked.User != dinterotest.DemoMFAUser || asked.ClientQ.Grant != string(client.GrantPassword) {
		t.Fatalf("u asks %+v for user %q", asked.ClientQ, asked.User)
	}
}

// With no other connection to read the grants with, the failed client
// would read them with the token it just failed to get: u is not offered,
// does nothing, and the view names the command that can.
func TestNoReaderNoU(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	err := sendFailing(t, ctx, srv.URL, posRequest)
	p := failure.New(ctx, err, posRequest, srv.URL, nil, nil)
	if p == nil {
		t.Fatal("no error view")
	}
	view := screen(p, ctx)
	uitest.RequireShows(t, view, "no other connection to "+dinterotest.DemoAccount+" can read them", "run tokenbench doctor --client "+dinterotest.DemoPOSClient)
	if strings.Contains(view, "u diagnoses") || hasKey(p, "u") {
		t.Fatalf("u is offered:\n%s", view)
	}
	if _, cmds := uitest.Press(p, "u"); uitest.Messages(cmds[0]) != nil {
		t.Fatal("u without a reader does something")
	}
}

// A one-line error with nothing more to say has no error view (the form
// shows it); neither has an error that is not Dintero's answer.
func TestNoViewForAOneLineError(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	wrong := ctx.Connections[0].Request
	wrong.ClientSecret = "not-the-secret"
	if p := failure.New(ctx, sendFailing(t, ctx, srv.URL, wrong), wrong, srv.URL, nil, ctx.Connections); p != nil {
		t.Fatalf("an error view for a wrong secret:\n%s", screen(p, ctx))
	}
	if p := failure.New(ctx, fmt.Errorf("dial tcp: refused"), wrong, srv.URL, nil, ctx.Connections); p != nil {
		t.Fatal("an error view for a transport error")
	}
}

// faultDetails are n details of a validation failure, the second one
// carrying escape sequences (an OSC 52 clipboard write, a colour).
func faultDetails(n int) []dinterotest.Detail {
	var out []dinterotest.Detail
	for i := range n {
		msg := fmt.Sprintf("detail number %d", i+1)
		if i == 1 {
			msg = "scope \x1b]52;c;ZXZpbA==\x07 is \x1b[31munknown\x1b[0m"
		}
		out = append(out, dinterotest.Detail{Field: fmt.Sprintf("f%d", i+1), Message: msg})
	}
	return out
}

// Every detail the client kept shows, sanitised (no escape sequence of
// the server's reaches the screen), with a line for those not kept; the
// hint follows; esc goes back to the request; arrows scroll the details
// at 60×20 and stop at their ends.
func TestDetailsBoundedSanitisedScrolledWithTheHint(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	ctx.Width, ctx.Height = 60, 20
	srv.SetFault(&dinterotest.Fault{Status: 404, Code: "not_found", Message: "Not \x1b[2Jfound", Details: faultDetails(client.MaxDetails + 5), Times: 1})
	req := ctx.Connections[0].Request
	err := sendFailing(t, ctx, srv.URL, req)
	p := failure.New(ctx, err, req, srv.URL, nil, ctx.Connections)
	if p == nil {
		t.Fatal("no error view for an error with details")
	}
	if hasKey(p, "u") {
		t.Fatal("u is offered for an error the grants do not explain")
	}
	if _, cmds := uitest.Press(p, "u"); uitest.Messages(cmds[0]) != nil {
		t.Fatal("u does something where it is not offered")
	}
	var page common.Page = p
	var all strings.Builder
	top := screen(page, ctx)
	// The heading counts what the server sent, as the error line does
	// ("and 24 more"), not the lines under it.
	uitest.RequireShows(t, top, "The token request failed", "404", "and 24 more", fmt.Sprintf("Dintero's error details (%d)", client.MaxDetails+5), "• f1: detail number 1")
	if n := strings.Count(top, "\n") + 1; n > ctx.Height-4 {
		t.Fatalf("%d lines in a body of %d", n, ctx.Height-4)
	}
	all.WriteString(top)
	last := top
	for range 60 {
		page, _ = uitest.Press(page, "down")
		v := screen(page, ctx)
		all.WriteString("\n" + v)
		last = v
	}
	uitest.RequireShows(t, last, fmt.Sprintf("• f%d: detail number %d", client.MaxDetails, client.MaxDetails), "(5 more not kept)",
		"check the base URL and the account id")
	if strings.Contains(all.String(), fmt.Sprintf("detail number %d", client.MaxDetails+1)) {
		t.Fatal("a detail beyond the client's bound shows")
	}
	uitest.RequireShows(t, all.String(), "f2: scope ]52;c;ZXZpbA== is")
	if v := all.String(); strings.ContainsAny(v, "\x1b\x07") {
		t.Fatalf("server text not sanitised: %q", v)
	}
	if again, _ := uitest.Press(page, "down"); screen(again, ctx) != last {
		t.Fatal("down scrolls past the end")
	}
	for range 60 {
		page, _ = uitest.Press(page, "k")
	}
	if screen(page, ctx) != top {
		t.Fatalf("up does not come back to the top:\n%s", screen(page, ctx))
	}
	_, cmds := uitest.Press(page, "esc")
	if msgs := uitest.Messages(cmds[0]); len(msgs) != 1 || msgs[0] != (common.ClosePageMsg{}) {
		t.Fatalf("esc: %#v", msgs)
	}
}

// Keys the view does not offer do nothing; neither do messages that are
// not keys.
func TestOtherKeysDoNothing(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	err := sendFailing(t, ctx, srv.URL, posRequest)
	p := failure.New(ctx, err, posRequest, srv.URL, nil, ctx.Connections)
	before := screen(p, ctx)
	for _, k := range []string{"enter", "x", "b", "r", "tab", "y", "n"} {
		var cmds = []any{}
		_, c := uitest.Press(p, k)
		for _, cmd := range c {
			if m := uitest.Messages(cmd); m != nil {
				cmds = append(cmds, m)
			}
		}
		if len(cmds) > 0 {
			t.Errorf("%s: %v", k, cmds)
		}
	}
	if _, cmd := p.Update(common.StatusMsg{Text: "x"}); cmd != nil {
		t.Error("a message that is not a key gives a command")
	}
	if after := screen(p, ctx); after != before {
		t.Fatalf("keys not offered changed the view:\n%s", after)
	}
}

// hasKey says whether the page's help offers k.
func hasKey(p common.Page, k string) bool {
	for _, b := range p.Keys().ShortHelp() {
		for _, key := range b.Keys() {
			if key == k {
				return true
			}
		}
	}
	return false
}

// A profile's password request the grants refuse, with no other
// connection to the account: u reads the grants with the profile itself
// (its client_credentials are not what failed), and says so.
func TestUReadsWithTheProfileWhenNoOtherClientCan(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	req := posRequest
	req.Grant, req.Username, req.Password = client.GrantPassword, dinterotest.DemoMFAUser, dinterotest.DemoPassword
	prof := &profiles.Profile{Name: "pos-till"}
	p := failure.New(ctx, sendFailing(t, ctx, srv.URL, posRequest), req, srv.URL, prof, nil)
	if p == nil {
		t.Fatal("no error view")
	}
	uitest.RequireShows(t, screen(p, ctx), "read with profile pos-till's token")
	_, cmds := uitest.Press(p, "u")
	msgs := uitest.Messages(cmds[0])
	if len(msgs) != 1 {
		t.Fatalf("u: %#v", msgs)
	}
	if asked := msgs[0].(common.DiagnoseAskedMsg); asked.Src.Profile != prof || asked.Src.Request.ClientID != dinterotest.DemoPOSClient {
		t.Fatalf("u reads with %+v", asked.Src)
	}
}
