package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
	"github.com/tokenbench/tokenbench/ui/pages/oidc"
)

// passwordlessContext is the demo context with the passwordless customer
// as home's third item.
func passwordlessContext(t *testing.T, clk *testClock, srv *dinterotest.Server) *common.Context {
	ctx := demoContext(t, clk, srv)
	req := ctx.Connections[0].Request
	req.Grant, req.IdentType, req.Ident, req.Connection = client.GrantAuthorizationCode, flows.IdentEmail, dinterotest.DemoCustomer, client.ConnectionEmail
	ctx.Connections = append(ctx.Connections, common.Connection{Name: "Passwordless customer", Description: "passwordless by e-mail", BaseURL: srv.URL, Request: req})
	return ctx
}

// codesTo is what the fake's outbox holds for the demo customer.
func codesTo(srv *dinterotest.Server) []dinterotest.Message {
	var out []dinterotest.Message
	for _, m := range srv.Outbox() {
		if m.Username == dinterotest.DemoCustomer {
			out = append(out, m)
		}
	}
	return out
}

// An e-mail login: the code screen says where the code went, the demo
// outbox shows it, a wrong code is refused with the attempts left, the
// right one gets the token.
func TestPasswordlessEmailWrongThenRightCode(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(passwordlessContext(t, clk, srv))
	press(t, m, "3")
	requireShows(t, m, "› passwordless", "The code was sent by e-mail to customer@example.com", "Send 1 at 12:00:00", "Attempts left: 3", "Demo outbox")
	sent := codesTo(srv)
	if len(sent) != 1 || sent[0].Channel != "email" {
		t.Fatalf("outbox: %+v", sent)
	}
	code := sent[0].BindingCode
	requireShows(t, m, code) // the outbox box, as on the MFA screen
	// A paste is cleaned as an e-mail shows the code.
	_, cmd := m.Update(tea.PasteMsg{Content: "Code: " + wrongCode(code)})
	drive(t, m, cmd)
	press(t, m, "enter")
	requireShows(t, m, "› passwordless", "wrong verification code", "Attempts left: 2")
	typeText(t, m, code)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	requireShows(t, m, "authorization_code")
	if n := len(codesTo(srv)); n != 1 {
		t.Fatalf("%d codes sent, want 1", n)
	}
}

// ctrl+w sends the same code by SMS instead (login_session_id): the
// screen and the outbox say so, and the code still works.
func TestPasswordlessSendBySMSInstead(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(passwordlessContext(t, clk, srv))
	press(t, m, "3")
	requireShows(t, m, "ctrl+w send by SMS instead")
	press(t, m, "ctrl+w")
	requireShows(t, m, "The code was sent by SMS to the phone of customer@example.com", "Send 2 at", "ctrl+w send by e-mail instead")
	sent := codesTo(srv)
	if len(sent) != 2 || sent[1].Channel != "sms" || sent[1].BindingCode != sent[0].BindingCode {
		t.Fatalf("outbox: %+v", sent)
	}
	requireShows(t, m, "sms to +47")
	typeText(t, m, sent[1].BindingCode)
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

// A code already used (here by another tool) is refused as spent: the
// screen offers a new one, enter sends nothing, and ctrl+n's code works.
func TestPasswordlessReusedCodeOffersANewOne(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := passwordlessContext(t, clk, srv)
	m := New(ctx)
	press(t, m, "3")
	code := codesTo(srv)[0].BindingCode
	// Someone else uses the code first.
	rn, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	req := ctx.Connections[2].Request
	req.VerificationCode = code
	l, err := rn.StartPasswordless(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Verify(context.Background(), code); err != nil {
		t.Fatal(err)
	}
	typeText(t, m, code)
	press(t, m, "enter")
	requireShows(t, m, "› passwordless", "This code is used or expired.", "ctrl+n sends a new one")
	before := srv.Requests()
	press(t, m, "enter")
	if srv.Requests() != before {
		t.Fatal("enter on a spent code sent a request")
	}
	press(t, m, "ctrl+n")
	sent := codesTo(srv)
	if len(sent) != 2 || sent[1].BindingCode == code {
		t.Fatalf("outbox after ctrl+n: %+v", sent)
	}
	requireShows(t, m, "Send 2 at")
	typeText(t, m, sent[1].BindingCode)
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

// The sixth code in a minute is refused with 429: the screen counts the
// wait down, holds back ctrl+n (nothing sent), and sends again after it.
func TestPasswordlessRateLimitWaits(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(passwordlessContext(t, clk, srv))
	press(t, m, "3")
	for range 4 {
		press(t, m, "ctrl+n")
	}
	if n := len(codesTo(srv)); n != 5 {
		t.Fatalf("%d codes sent, want 5", n)
	}
	press(t, m, "ctrl+n")
	requireShows(t, m, "rate limited (429): a new code can be sent in")
	if strings.Contains(viewText(m), "ctrl+n send a new code") {
		t.Fatalf("ctrl+n offered during the wait:\n%s", viewText(m))
	}
	before := srv.Requests()
	press(t, m, "ctrl+n")
	requireShows(t, m, "no new code for")
	if srv.Requests() != before {
		t.Fatal("ctrl+n during the wait sent a request")
	}
	clk.Advance(2 * time.Minute)
	if strings.Contains(viewText(m), "rate limited") {
		t.Fatalf("the wait's line outlived it:\n%s", viewText(m))
	}
	press(t, m, "ctrl+n")
	sent := codesTo(srv)
	if len(sent) != 6 {
		t.Fatalf("%d codes sent after the wait, want 6:\n%s", len(sent), viewText(m))
	}
	typeText(t, m, sent[5].BindingCode)
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

// oidcArrivals passes the OIDC page's answers to the test.
type oidcArrivals chan tea.Msg

func (a oidcArrivals) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case oidc.OpenedMsg, oidc.DoneMsg, common.MFATokenMsg:
		a <- msg
	}
	return msg
}

func (a oidcArrivals) wait(t *testing.T, what string) tea.Msg {
	t.Helper()
	select {
	case msg := <-a:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer while waiting for %s", what)
		return nil
	}
}

// oidcContext is the demo context with an OIDC connection on the fake's
// provider page as home's third item; open is the browser.
func oidcContext(t *testing.T, clk *testClock, srv *dinterotest.Server, open func(string) error) *common.Context {
	ctx := demoContext(t, clk, srv)
	req := ctx.Connections[0].Request
	req.Grant, req.AuthorizeURL = client.GrantOIDC, srv.OIDCAuthorizeURL()+"?login_hint="+url.QueryEscape(dinterotest.DemoUser)
	ctx.Connections = append(ctx.Connections, common.Connection{Name: "OIDC", Description: "oidc", BaseURL: srv.URL, Request: req})
	ctx.OpenURL = open
	return ctx
}

// The browser login shows the URL and waits; the browser (a test
// following the provider's redirect) brings the code, and the token view
// shows the provider's user_info.
func TestOIDCBrowserLoginToToken(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	browse := func(u string) error {
		go func() { // a browser runs on its own
			if resp, err := http.Get(u); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	got := make(oidcArrivals, 8)
	ctx := oidcContext(t, clk, srv, browse)
	tm := teatest.NewTestModel(t, New(ctx), teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithFilter(got.filter)))
	tm.Send(uitest.Key("3"))
	got.wait(t, "the browser opened")
	if msg := got.wait(t, "the exchange").(oidc.DoneMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	got.wait(t, "the token shown")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	wantScreen(t, m, "token")
	requireShows(t, m, "oidc", "User info", "authority: "+dinterotest.OIDCAuthority, "value.email: "+dinterotest.DemoUser)
	// The code was one-time and no refresh token came: r says so and
	// sends nothing (it used to send the spent code again).
	// Token requests only: the signature check's key fetch may still be on
	// its way when the program ends.
	tokenRequests := func() (n int) {
		for _, e := range log.ExchangesOf(ctx) {
			if strings.HasSuffix(e.URL, "/auth/token") {
				n++
			}
		}
		return n
	}
	before := tokenRequests()
	press(t, m, "r")
	requireShows(t, m, "one-time code: sign in again")
	if tokenRequests() != before {
		t.Fatal("r sent a token request")
	}
}

// A stray redirect with another state (a web page or local process can
// send one) gets a 400 and does not end the wait: the provider's redirect
// that follows still signs in.
func TestOIDCBrowserLoginSurvivesStrayRedirect(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	stray := make(chan int, 1)
	browse := func(u string) error {
		go func() {
			au, _ := url.Parse(u)
			status := 0
			if resp, err := http.Get(au.Query().Get("redirect_uri") + "?code=x&state=not-this-login"); err == nil {
				resp.Body.Close()
				status = resp.StatusCode
			}
			stray <- status
			if resp, err := http.Get(u); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	got := make(oidcArrivals, 8)
	tm := teatest.NewTestModel(t, New(oidcContext(t, clk, srv, browse)), teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithFilter(got.filter)))
	tm.Send(uitest.Key("3"))
	got.wait(t, "the browser opened")
	if msg := got.wait(t, "the exchange").(oidc.DoneMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	if status := <-stray; status != http.StatusBadRequest {
		t.Fatalf("the stray redirect got %d", status)
	}
	got.wait(t, "the token shown")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	wantScreen(t, m, "token")
	requireShows(t, m, "oidc", "authority: "+dinterotest.OIDCAuthority)
}

// esc cancels the wait: back home, the listener closed (a late redirect
// finds nobody), and nothing exchanged.
func TestOIDCWaitCancelledWithEsc(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	opened := make(chan string, 1)
	got := make(oidcArrivals, 8)
	tm := teatest.NewTestModel(t, New(oidcContext(t, clk, srv, func(u string) error { opened <- u; return nil })),
		teatest.WithInitialTermSize(80, 24), teatest.WithProgramOptions(tea.WithFilter(got.filter)))
	tm.Send(uitest.Key("3"))
	got.wait(t, "the browser opened")
	authorize := <-opened
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "waiting for the redirect") },
		teatest.WithDuration(5*time.Second))
	before := srv.Requests()
	tm.Send(uitest.Key("esc"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "browser login cancelled") },
		teatest.WithDuration(5*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	wantScreen(t, m, "home")
	requireShows(t, m, "browser login cancelled")
	u, err := url.Parse(authorize)
	if err != nil {
		t.Fatal(err)
	}
	redirect := u.Query().Get("redirect_uri")
	if !strings.HasPrefix(redirect, "http://127.0.0.1:") {
		t.Fatalf("redirect_uri %q", redirect)
	}
	if resp, err := http.Get(redirect + "?code=x&state=y"); err == nil {
		resp.Body.Close()
		t.Fatal("the listener still answers after esc")
	}
	if srv.Requests() != before {
		t.Fatal("a request was sent after esc")
	}
}

// The chooser's authorization_code form asks for what the passwordless
// login needs: nothing typed is refused on the E-mail field; an e-mail
// with sms and company sends the code there and opens the code screen.
func TestPasswordlessFormSendsToCodeScreen(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "end", "enter") // New request…
	requireShows(t, m, "passwordless: a code by e-mail or SMS, or issued for a user id", "OIDC: a code from the account's identity provider")
	press(t, m, "down", "down", "enter")
	requireShows(t, m, "E-mail", "Send by", "Customer", "User id")
	press(t, m, "enter")
	wantFieldError(t, m, "E-mail", "e-mail or a user id is required")
	fill := func(label, value string) {
		for i := 0; focusedField(m) != label; i++ {
			if i > 20 {
				t.Fatalf("no field %q:\n%s", label, viewText(m))
			}
			press(t, m, "tab")
		}
		typeText(t, m, value)
	}
	fill("Account", dinterotest.DemoAccount)
	fill("Client ID", dinterotest.DemoClientID)
	fill("Secret", dinterotest.DemoSecret)
	fill("E-mail", dinterotest.DemoCompany)
	fill("Send by", "sms")
	fill("Customer", "company")
	press(t, m, "enter")
	requireShows(t, m, "› passwordless", "The code was sent by SMS to the phone of "+dinterotest.DemoCompany)
	var code string
	for _, msg := range srv.Outbox() {
		if msg.Username == dinterotest.DemoCompany && msg.Channel == "sms" {
			code = msg.BindingCode
		}
	}
	if code == "" {
		t.Fatalf("no SMS to the company customer: %+v", srv.Outbox())
	}
	typeText(t, m, code)
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

// The oidc form asks for the authorize URL (a browser login) or a code.
func TestOIDCFormFields(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "end", "enter")
	for range 6 {
		press(t, m, "down")
	}
	press(t, m, "enter")
	requireShows(t, m, "request · oidc", "Authorize", "Redirect", "IdP code")
	press(t, m, "enter")
	wantFieldError(t, m, "IdP code", "authorize URL")
}

// A code issued for a user of a production account acts as that user:
// the TUI asks first, as the CLI does; n sends nothing, y sends it.
func TestIssuedCodeOnProductionAsksFirst(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	req := ctx.Connections[0].Request
	req.Account = dinterotest.DemoProdAccount
	req.Grant, req.IdentType, req.Ident = client.GrantAuthorizationCode, flows.IdentUserID, "usr_prod"
	ctx.Connections = append(ctx.Connections, common.Connection{Name: "Issued on P", Description: "user id on P", BaseURL: srv.URL, Request: req})
	m := New(ctx)
	before := srv.Requests()
	press(t, m, "3")
	requireShows(t, m, "a code issued for user usr_prod acts as that user", dinterotest.DemoProdAccount+". Go on? y/n")
	press(t, m, "n")
	wantScreen(t, m, "home")
	requireShows(t, m, "not confirmed: nothing was sent")
	if srv.Requests() != before {
		t.Fatal("a request was sent before the answer")
	}
	press(t, m, "3", "y")
	if srv.Requests() == before {
		t.Fatalf("y sent nothing:\n%s", viewText(m))
	}
}

// TestOIDCLoginFinishesUnderTheLog: the HTTP log opened while the browser
// login waits (it is not busy then) does not swallow the login's answer:
// the token is shown when the redirect comes (it was dropped, and the login
// waited on under the log).
func TestOIDCLoginFinishesUnderTheLog(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	opened := make(chan string, 1)
	got := make(oidcArrivals, 8)
	tm := teatest.NewTestModel(t, New(oidcContext(t, clk, srv, func(u string) error { opened <- u; return nil })),
		teatest.WithInitialTermSize(100, 30), teatest.WithProgramOptions(tea.WithFilter(got.filter)))
	tm.Send(uitest.Key("3"))
	got.wait(t, "the browser opened")
	u := <-opened
	tm.Send(uitest.Key("ctrl+l"))
	go func() { // the browser, once the log is up
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
		}
	}()
	if msg := got.wait(t, "the exchange").(oidc.DoneMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	got.wait(t, "the token shown")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	wantScreen(t, m, "token")
	requireShows(t, m, "oidc")
}
