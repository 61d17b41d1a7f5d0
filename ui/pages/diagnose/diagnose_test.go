package diagnose_test

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/diagnose"
)

// screen is the page's body as the root sizes it for ctx's terminal and
// the chrome clips it.
func screen(p common.Page, ctx *common.Context) string {
	return common.ClipLines(uitest.Screen(p, ctx.Width-2, ctx.Height-4), ctx.Height-4)
}

// whole is every line of the page's body (a tall body).
func whole(p common.Page, ctx *common.Context) string { return uitest.Screen(p, ctx.Width-2, 500) }

// demoSource reads users with the demo's API client, as home's u does.
func demoSource(srv *dinterotest.Server) common.DiagnoseSource {
	return common.DiagnoseSource{BaseURL: srv.URL, Request: flows.Request{Account: dinterotest.DemoAccount,
		Grant: client.GrantClientCredentials, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret}}
}

// answer runs cmd (the lookup, against the fake server) and returns its
// one message.
func answer(t *testing.T, cmd tea.Cmd) diagnose.DiagnosedMsg {
	t.Helper()
	msgs := uitest.Messages(cmd)
	if len(msgs) != 1 {
		t.Fatalf("the lookup: %#v", msgs)
	}
	msg, ok := msgs[0].(diagnose.DiagnosedMsg)
	if !ok {
		t.Fatalf("the lookup answered %T", msgs[0])
	}
	return msg
}

// press hands p keys and returns the page and the messages their
// commands produce (running them).
func press(p common.Page, keys ...string) (common.Page, []tea.Msg) {
	var msgs []tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		p, cmd = p.Update(uitest.Key(k))
		msgs = append(msgs, uitest.Messages(cmd)...)
	}
	return p, msgs
}

func isClose(msgs []tea.Msg) bool { return len(msgs) == 1 && msgs[0] == (common.ClosePageMsg{}) }

// A user given is diagnosed at once against the fake server: the screen
// says it is reading, then shows the findings first, the user and their
// activity; the answer carries the request's id; the screen takes no text
// while it shows the report; esc goes back.
func TestAUsersDiagnosis(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	p := diagnose.New(ctx, demoSource(srv), dinterotest.DemoMFAUser)
	cmd := p.Start()
	id := uitest.LastRequestID(ctx)
	if p.Title() != "diagnose user" || p.TakesText() {
		t.Fatalf("running: %q, takes text %v", p.Title(), p.TakesText())
	}
	uitest.RequireShows(t, screen(p, ctx), "Diagnose an account user", "with client "+dinterotest.DemoClientID+"'s token (it needs "+doctor.ScopeNeeded+")",
		"reading the user and their activity…")
	if _, msgs := press(p, "x", "enter", "b"); len(msgs) != 0 {
		t.Fatalf("keys while running: %#v", msgs)
	}
	msg := answer(t, cmd)
	if msg.ID != id || msg.Err != nil || msg.Report == nil || msg.Token == nil || !strings.HasPrefix(msg.Verdict, "verified") {
		t.Fatalf("the answer: id %d (want %d), err %v, verdict %q", msg.ID, id, msg.Err, msg.Verdict)
	}
	p.Update(msg)
	view := screen(p, ctx)
	if !strings.HasPrefix(view, "Findings") {
		t.Fatalf("the findings are not first:\n%s", view)
	}
	all := whole(p, ctx)
	uitest.RequireShows(t, all, "Mia Fa <mfa@example.com>", "MFA", "Server activity (latest")
	if p.TakesText() {
		t.Fatal("the report takes text")
	}
	if got := p.Account(); got != dinterotest.DemoAccount {
		t.Fatalf("the badge names %q", got)
	}
	if _, msgs := press(p, "esc"); !isClose(msgs) {
		t.Fatalf("esc: %#v", msgs)
	}
}

// A user that does not exist: the error says so and names them, the
// question stays (text is typed again), and another user typed there is
// diagnosed.
func TestAUserThatDoesNotExist(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	p := diagnose.New(ctx, demoSource(srv), "nobody@example.com")
	p.Update(answer(t, p.Start()))
	uitest.RequireShows(t, screen(p, ctx), "✗", "no account user", "nobody@example.com", "› User")
	if !p.TakesText() {
		t.Fatal("the question does not take text after an error")
	}
	var page common.Page = p
	page, _ = press(page, "ctrl+u")
	page, _ = page.Update(tea.PasteMsg{Content: dinterotest.DemoUser})
	page, cmds := uitest.Press(page, "enter")
	page.Update(answer(t, cmds[0]))
	uitest.RequireShows(t, whole(page, ctx), "Findings", dinterotest.DemoUser)
}

// With no user given the screen asks for one: enter on nothing says what
// to type and sends nothing; esc goes back.
func TestNoUserGivenAsks(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	p := diagnose.New(ctx, demoSource(srv), "")
	p.Start()
	if !p.TakesText() {
		t.Fatal("the question takes no text")
	}
	before := srv.Requests()
	if _, msgs := press(p, "enter"); len(msgs) != 0 {
		t.Fatalf("enter on nothing: %#v", msgs)
	}
	uitest.RequireShows(t, screen(p, ctx), "✗ type the e-mail of the user to diagnose")
	if srv.Requests() != before {
		t.Fatal("enter on nothing sent a request")
	}
	if _, msgs := press(p, "esc"); !isClose(msgs) {
		t.Fatalf("esc: %#v", msgs)
	}
}

// esc while the lookup runs cancels it: the question is back, saying so,
// and the answer, when it comes, is dropped; so is an answer of an older
// id.
func TestEscWhileRunningDropsTheAnswer(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	p := diagnose.New(ctx, demoSource(srv), dinterotest.DemoMFAUser)
	cmd := p.Start()
	var page common.Page = p
	page, msgs := press(page, "esc")
	if len(msgs) != 0 {
		t.Fatalf("esc while running: %#v", msgs)
	}
	uitest.RequireShows(t, screen(page, ctx), "✗ cancelled", "› User")
	if !page.TakesText() {
		t.Fatal("the question is not back")
	}
	page.Update(answer(t, cmd))
	view := screen(page, ctx)
	if strings.Contains(view, "Findings") || !page.TakesText() {
		t.Fatalf("the cancelled answer was shown:\n%s", view)
	}
	// Run it again; an answer of the cancelled run is still dropped.
	page, cmds := uitest.Press(page, "enter")
	stale := answer(t, cmd)
	page.Update(stale)
	if strings.Contains(screen(page, ctx), "Findings") {
		t.Fatal("a stale answer was shown")
	}
	page.Update(answer(t, cmds[0]))
	uitest.RequireShows(t, whole(page, ctx), "Findings", "Mia Fa")
}

// b on a report asks the root for the bundle of the diagnosis: the
// report, the client it read with, its token and that token's verdict.
func TestBAsksTheRootForTheDiagnosisBundle(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	p := diagnose.New(ctx, demoSource(srv), dinterotest.DemoMFAUser)
	msg := answer(t, p.Start())
	p.Update(msg)
	_, msgs := press(p, "b")
	if len(msgs) != 1 {
		t.Fatalf("b: %#v", msgs)
	}
	asked, ok := msgs[0].(common.BundleForMsg)
	if !ok {
		t.Fatalf("b sent %T, want common.BundleForMsg", msgs[0])
	}
	in := asked.In
	if asked.From != "diagnose user" || in.Doctor != msg.Report || in.Account != dinterotest.DemoAccount || in.ClientID != dinterotest.DemoClientID ||
		in.BaseURL != srv.URL || in.AccessToken != msg.Token.Response.AccessToken || in.Verdict != msg.Verdict || in.Error != "" {
		t.Fatalf("b asks for %+v from %q", in, asked.From)
	}
}

// e asks for another user with the field empty; esc there puts the report
// back as it was; r runs the lookup again.
func TestOtherUserAndRunAgain(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	p := diagnose.New(ctx, demoSource(srv), dinterotest.DemoMFAUser)
	p.Update(answer(t, p.Start()))
	report := whole(p, ctx)
	var page common.Page = p
	page, _ = press(page, "e")
	view := screen(page, ctx)
	if !page.TakesText() || strings.Contains(view, dinterotest.DemoMFAUser) {
		t.Fatalf("e: the field is not empty:\n%s", view)
	}
	page, msgs := press(page, "esc")
	if len(msgs) != 0 || page.TakesText() || whole(page, ctx) != report {
		t.Fatalf("esc from e: %#v\n%s", msgs, whole(page, ctx))
	}
	page, cmds := uitest.Press(page, "r")
	uitest.RequireShows(t, screen(page, ctx), "reading the user and their activity…", dinterotest.DemoMFAUser)
	page.Update(answer(t, cmds[0]))
	uitest.RequireShows(t, whole(page, ctx), "Findings", "Mia Fa")
}

// A reader without the scope: the error names the scope reading users
// needs; a server's error text reaches the screen sanitised.
func TestErrorsNameTheScopeAndAreSanitised(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	bearer, err := srv.IssueToken(map[string]any{"sub": "client:" + dinterotest.DemoPOSClient, "aid": dinterotest.DemoAccount, "scope": "read:checkout",
		"iss": srv.URL + "/accounts/" + dinterotest.DemoAccount + "/auth"})
	if err != nil {
		t.Fatal(err)
	}
	src := common.DiagnoseSource{BaseURL: srv.URL, Request: flows.Request{Account: dinterotest.DemoAccount, Bearer: bearer}}
	p := diagnose.New(ctx, src, dinterotest.DemoMFAUser)
	p.Update(answer(t, p.Start()))
	uitest.RequireShows(t, screen(p, ctx), "with the Bearer's token", "✗", "403", "reading account users needs a token with "+doctor.ScopeNeeded)

	p = diagnose.New(ctx, demoSource(srv), dinterotest.DemoMFAUser)
	cmd := p.Start()
	srv.SetFault(&dinterotest.Fault{Status: 400, Code: "-", Message: "boom \x1b]52;c;ZXZpbA==\x07\x1b[2J", Times: 1})
	p.Update(answer(t, cmd))
	view := screen(p, ctx)
	uitest.RequireShows(t, view, "✗", "boom ]52;c;ZXZpbA==")
	if strings.ContainsAny(view, "\x1b\x07") {
		t.Fatalf("server text unsanitised: %q", view)
	}
}

// A client diagnosis starts at once and shows the client's finding that
// explains the failure first, then its grants; b asks for the bundle of
// the failed request it explains, with the client diagnosed.
func TestAClientDiagnosis(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	src := demoSource(srv)
	src.Failure = &common.FailedRequest{Error: "the client_credentials request of client demo-pos: 400 audience", Details: []string{"audience must be a grant associated with the client"}, Grant: "client_credentials"}
	q := doctor.ClientQuery{ClientID: dinterotest.DemoPOSClient, Audience: client.DefaultAudience(dinterotest.DemoAccount), Grant: string(client.GrantClientCredentials)}
	p := diagnose.NewClient(ctx, src, q, "")
	if p.Title() != "diagnose client" {
		t.Fatalf("titled %q", p.Title())
	}
	cmd := p.Start()
	if cmd == nil || p.TakesText() {
		t.Fatal("a client diagnosis does not start at once")
	}
	uitest.RequireShows(t, screen(p, ctx), "Diagnose API client "+dinterotest.DemoPOSClient, "reading the client and its grants…")
	msg := answer(t, cmd)
	p.Update(msg)
	view := screen(p, ctx)
	lines := strings.Split(view, "\n")
	if !strings.HasPrefix(lines[0], "Findings") || !strings.Contains(lines[1], "✗ client "+dinterotest.DemoPOSClient+" has grants for") {
		t.Fatalf("the client's finding is not first:\n%s", view)
	}
	uitest.RequireShows(t, whole(p, ctx), "Client", "Grants (3, 1 deleted)")
	for _, k := range p.Keys().ShortHelp() {
		if k.Help().Key == "e" && k.Help().Desc != "add a user" {
			t.Fatalf("e is offered as %q", k.Help().Desc)
		}
	}
	_, msgs := press(p, "b")
	asked, ok := msgs[0].(common.BundleForMsg)
	if len(msgs) != 1 || !ok {
		t.Fatalf("b: %#v", msgs)
	}
	if asked.From != "diagnose client" || asked.In.DiagnosedClient != dinterotest.DemoPOSClient || asked.In.ClientDoctor != msg.Client ||
		asked.In.Error != src.Failure.Error || len(asked.In.ErrorDetails) != 1 || asked.In.Grant != "client_credentials" || asked.In.Doctor != nil {
		t.Fatalf("b asks for %+v", asked.In)
	}
}

// At 60×20 the report fits the body's width, but for the server's
// activity rows, which the chrome cuts: they drop the date so that their
// time, action and IP stay whole; the arrows scroll the report from its
// top to its end and back.
func TestTheReportAt60x20(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	ctx.Width, ctx.Height = 60, 20
	w := ctx.Width - 2
	p := diagnose.New(ctx, demoSource(srv), dinterotest.DemoMFAUser)
	p.Update(answer(t, p.Start()))
	all := whole(p, ctx)
	activity := false
	for _, l := range strings.Split(all, "\n") {
		if strings.HasPrefix(l, "Server activity") {
			activity = true
			continue
		}
		if n := len([]rune(l)); n <= w {
			continue
		}
		if !activity {
			t.Fatalf("a line of %d cells at %d: %q", len([]rune(l)), w, l)
		}
		if cut := string([]rune(l)[:w]); !strings.Contains(cut, ".") || strings.Count(strings.Fields(cut)[len(strings.Fields(cut))-2], ".") != 3 {
			t.Fatalf("an activity row cut before its IP: %q", cut)
		}
	}
	if _, rows, _ := strings.Cut(all, "Server activity"); !activity || strings.Contains(rows, "12-0") {
		t.Fatalf("the activity rows keep their date at 60 columns:\n%s", all)
	}
	top := screen(p, ctx)
	var page common.Page = p
	seen := top
	for range 60 {
		page, _ = press(page, "down")
		seen += "\n" + screen(page, ctx)
	}
	for _, l := range strings.Split(all, "\n") {
		if !strings.Contains(seen, l) {
			t.Fatalf("a line never shows while scrolling: %q", l)
		}
	}
	for range 60 {
		page, _ = press(page, "k")
	}
	if screen(page, ctx) != top {
		t.Fatal("up does not come back to the top")
	}
}

// TestAddingAUserToAClientDiagnosisSaysSo: e on a client diagnosis asks
// for a user to add beside the client's grants (it read "Diagnose an
// account user"), and says that enter with no user runs the client's
// diagnosis again.
func TestAddingAUserToAClientDiagnosisSaysSo(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	q := doctor.ClientQuery{ClientID: dinterotest.DemoPOSClient, Audience: client.DefaultAudience(dinterotest.DemoAccount), Grant: string(client.GrantClientCredentials)}
	p := diagnose.NewClient(ctx, demoSource(srv), q, "")
	p.Update(answer(t, p.Start()))
	press(p, "e")
	view := screen(p, ctx)
	uitest.RequireShows(t, view, "Add an account user to the diagnosis of client "+dinterotest.DemoPOSClient, "Enter with no user runs the client's diagnosis again")
	uitest.RequireLacks(t, view, "Diagnose an account user")
}
