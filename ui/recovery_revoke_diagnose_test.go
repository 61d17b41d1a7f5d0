package ui

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

// flowContext is the demo context with the issue 11 connections: a user
// without MFA (refresh tokens), the lost-device user and the partner.
func flowContext(t *testing.T, clk *testClock, srv *dinterotest.Server) *common.Context {
	ctx := demoContext(t, clk, srv)
	pw := ctx.Connections[1].Request
	plain, lost := pw, pw
	plain.Username, lost.Username = dinterotest.DemoUser, dinterotest.DemoLostDeviceUser
	partner := flows.Request{Account: dinterotest.DemoMerchant, Partner: dinterotest.DemoPartner, Grant: client.GrantClientCredentials,
		ClientID: dinterotest.DemoPartnerClient, ClientSecret: dinterotest.DemoPartnerSecret}
	ctx.Connections = append(ctx.Connections,
		common.Connection{Name: "Support user", BaseURL: srv.URL, Request: plain, Channel: client.ChannelSMS},
		common.Connection{Name: "Lost device", BaseURL: srv.URL, Request: lost, Channel: client.ChannelSMS},
		common.Connection{Name: "Partner", BaseURL: srv.URL, Request: partner, Channel: client.ChannelSMS},
	)
	return ctx
}

// runConnection runs the home item at index i.
func runConnection(t *testing.T, m *Model, i int) {
	t.Helper()
	for range i {
		press(t, m, "j")
	}
	press(t, m, "enter")
}

func wrongCode(right string) string {
	if right == "000000" {
		return "111111"
	}
	return "000000"
}

// TestLostDeviceRecoveryEndToEnd: from the MFA screen of the lost-device
// user, L runs the two-step recovery: a wrong first code, the right one,
// the second code by the other channel, the token; the timeline shows both
// steps.
func TestLostDeviceRecoveryEndToEnd(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	requireShows(t, m, "Multi-factor authentication required")
	press(t, m, "?")
	requireShows(t, m, "L lost device", "u diagnose user")
	press(t, m, "?", "L", "y")
	requireShows(t, m, "MFA recovery", "step 1 of 2: code sent by SMS", "Attempts left: 3")
	first := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	requireShows(t, m, first) // the demo outbox
	typeText(t, m, wrongCode(first))
	press(t, m, "enter")
	requireShows(t, m, "step 1 of 2: code sent by SMS", "Attempts left: 2", "wrong")
	typeText(t, m, first)
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by e-mail", "✓ step 1 of 2")
	second := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	if second == first {
		t.Fatal("no second code was sent")
	}
	typeText(t, m, second)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	requireShows(t, m, "user:"+dinterotest.DemoLostDeviceUser)
	requireHides(t, m, first, second)
	press(t, m, "ctrl+l", "t")
	requireShows(t, m, "MFA recovery completed", "step 1", "step 2")
	// Back from the token leads where the recovery came from, not into it.
	press(t, m, "esc", "esc", "esc")
	if onScreen(m, "MFA recovery") {
		t.Fatalf("back led into the finished recovery:\n%s", viewText(m))
	}
}

// TestRecoveryFromTheChooserAsksForWhatIsMissing: the grant chooser's last
// line opens the recovery, which says what is missing before sending.
func TestRecoveryFromTheChooserAsksForWhatIsMissing(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	press(t, m, "end", "enter") // New request…
	for range form.Grants() {
		press(t, m, "down")
	}
	requireShows(t, m, "Recover MFA (lost device)")
	press(t, m, "enter")
	wantScreen(t, m, "MFA recovery")
	before := len(log.ExchangesOf(ctx))
	press(t, m, "enter")
	requireShows(t, m, "account id is required")
	if len(log.ExchangesOf(ctx)) != before {
		t.Fatal("an incomplete recovery was sent")
	}
	// Filled in, with the first code by e-mail, it runs to the token, whose
	// signature is checked against the base URL typed here.
	for _, v := range []string{dinterotest.DemoAccount, dinterotest.DemoClientID, dinterotest.DemoSecret, dinterotest.DemoLostDeviceUser} {
		press(t, m, "ctrl+u")
		typeText(t, m, v)
		press(t, m, "tab")
	}
	press(t, m, "space")
	requireShows(t, m, "First code  e-mail")
	press(t, m, "enter")
	requireShows(t, m, "step 1 of 2: code sent by e-mail")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by SMS")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	requireShows(t, m, "user:"+dinterotest.DemoLostDeviceUser, "Signature   ✓ verified")
}

// TestRateLimitedResendCountsDownAndSendsNothing: a 429 on a resend shows
// a countdown and disables resend until it ends; pressing it meanwhile
// sends nothing.
func TestRateLimitedResendCountsDownAndSendsNothing(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 1) // the MFA user: a code by SMS at once
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 30, Times: 1})
	press(t, m, "ctrl+n")
	requireShows(t, m, "429", "a new code can be sent in 30s")
	n := len(log.ExchangesOf(ctx))
	press(t, m, "ctrl+n", "ctrl+w")
	if len(log.ExchangesOf(ctx)) != n {
		t.Fatalf("resend sent %d request(s) while rate limited", len(log.ExchangesOf(ctx))-n)
	}
	requireShows(t, m, "rate limited: no new code for")
	clk.Advance(12 * time.Second)
	requireShows(t, m, "no new code for 18s more")
	clk.Advance(19 * time.Second)
	requireHides(t, m, "a new code can be sent in", "no new code")
	press(t, m, "ctrl+n")
	if len(log.ExchangesOf(ctx)) != n+1 {
		t.Fatalf("after the wait, resend sent %d request(s)", len(log.ExchangesOf(ctx))-n)
	}
	requireShows(t, m, "A code was sent by SMS (challenge 2)")
}

// TestRecoveryResendRateLimited: the same on the recovery screen.
func TestRecoveryResendRateLimited(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 3)
	press(t, m, "L", "y")
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 20, Times: 1})
	press(t, m, "ctrl+n")
	requireShows(t, m, "rate limited (429)", "a new code can be sent in 20s")
	// One line says the wait, not two that disagree.
	requireHides(t, m, "the server asked to wait", "resend is off")
	n := len(log.ExchangesOf(ctx))
	press(t, m, "ctrl+n")
	if len(log.ExchangesOf(ctx)) != n {
		t.Fatal("resend sent while rate limited")
	}
	requireShows(t, m, "no new code for 20s more")
	requireHides(t, m, "a new code can be sent in")
	// The line goes with the wait.
	clk.Advance(21 * time.Second)
	requireHides(t, m, "rate limited")
	press(t, m, "ctrl+n")
	if len(log.ExchangesOf(ctx)) != n+1 {
		t.Fatal("resend did not send after the wait")
	}
}

// TestRevokeAsksThenRevokesAndTheServerRefusesIt: X asks, y revokes, the
// view says so truthfully (nothing was stored for a demo connection), and
// the server refuses the refresh token afterwards.
func TestRevokeAsksThenRevokesAndTheServerRefusesIt(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 2)
	wantScreen(t, m, "token")
	res, held := ctx.Session.Held(heldName("conn:2"))
	if !held || res.RefreshToken == "" {
		t.Fatalf("no token with a refresh token:\n%s", viewText(m))
	}
	wantToken(t, m, res)
	rt := res.RefreshToken
	press(t, m, "X")
	requireShows(t, m, "Revoke the refresh token for good?", "y/n")
	press(t, m, "n")
	requireShows(t, m, "refresh token not revoked")
	press(t, m, "X", "y")
	requireShows(t, m, "revoked refresh token", "held in memory only", "Refresh     revoked sha256:")
	requireHides(t, m, rt)
	// The server refuses it now.
	runner, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	from := *res
	from.RefreshToken = rt
	if _, _, err := runner.Refresh(context.Background(), &from); err == nil {
		t.Fatal("the revoked refresh token still works")
	}
	// And the held token offers no refresh token any more.
	if held, ok := ctx.Session.Held(heldName("conn:2")); !ok || held.RefreshToken != "" {
		t.Fatalf("held token still has its refresh token")
	}
	press(t, m, "X")
	requireShows(t, m, "no refresh token to revoke")
	// R says why there is none: it was revoked (it said nothing, or
	// that the one used stays valid).
	press(t, m, "R")
	wantStatus(t, m, "no refresh token to copy: it was revoked ("+record.Fingerprint(rt)+")")
}

// TestPartnerRouteInHeaderAndGrantLine: the demo partner connection gets
// the merchant token, and the route shows in the header and grant line.
func TestPartnerRouteInHeaderAndGrantLine(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	ctx.Width, ctx.Height = 120, 40
	ctx.Connections[4].Name = "Partner T112 → merchant T11200001" // as the demo names it
	m := New(ctx)
	runConnection(t, m, 4)
	wantScreen(t, m, "token")
	lines := strings.Split(viewText(m), "\n")
	if !strings.Contains(lines[0], "partner T112 → merchant T11200001") {
		t.Fatalf("header: %q", lines[0])
	}
	requireShows(t, m, "client_credentials · partner T112 → merchant T11200001")
	// Narrower, the connection's whole name goes before the route (the
	// header cut the name to "Partne…" to repeat the route beside it).
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	header := strings.Split(viewText(m), "\n")[0]
	if name := ctx.Connections[4].Name; !strings.Contains(header, "token · "+name) || strings.Contains(header, "…") {
		t.Fatalf("header at 80 columns: %q", header)
	}
}

// bundleFiles reads the zip a test's WriteBundle wrote.
func bundleFiles(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(data)
	}
	return out
}

// inTempDir makes WriteBundle write below dir instead of the current
// directory.
// bundleWorkbench is the demo's workbench on the fake server whose
// bundles are written into dir, a temporary directory.
func bundleWorkbench(t *testing.T) (m *Model, ctx *common.Context, srv *dinterotest.Server, dir string) {
	t.Helper()
	clk := uitest.NewClock(fixedNow)
	srv = uitest.DemoServer(t, clk)
	ctx = flowContext(t, clk, srv)
	dir = t.TempDir()
	inTempDir(ctx, dir)
	return New(ctx), ctx, srv, dir
}

func inTempDir(ctx *common.Context, dir string) {
	ctx.WriteBundle = func(path string, in bundle.Input) (string, error) {
		return bundle.Write(filepath.Join(dir, path), in)
	}
}

// TestDiagnoseFromMFAScreenBesideTheTimelineAndBundle: after two wrong
// codes and the right one, u on... the MFA screen diagnoses the user being
// signed in: the findings, the server's activity and this session's MFA
// flow on one screen; b writes a bundle with no secret of the flow in it.
func TestDiagnoseFromMFAScreenBesideTheTimelineAndBundle(t *testing.T) {
	// The demo's activity is dated from the real clock.
	clk := uitest.NewClock(time.Now().Truncate(time.Second))
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	ctx.Width, ctx.Height = 120, 40
	mfaSecrets := captureMFASecrets(ctx, clk)
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	runConnection(t, m, 1)
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	for range 2 {
		typeText(t, m, wrongCode(code))
		press(t, m, "enter")
	}
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, "Findings", "SMS factor changed", "Mia Fa", "Server activity", "This session's MFA flow", "binding code")
	// At 120 columns neither list is cut to fit beside the other (the
	// side-by-side layout cut "403 mfa_requi…" and every user agent).
	for range 30 {
		press(t, m, "down")
	}
	requireShows(t, m, "403 mfa_required", "python-requests/2.32")
	press(t, m, "b")
	requireShows(t, m, "Support bundle", "Write the bundle to:")
	// The file name can be typed here as on every bundle screen.
	press(t, m, "ctrl+u")
	typeText(t, m, "ticket-99")
	press(t, m, "enter")
	wantScreen(t, m, "diagnose user") // back from the bundle screen
	wantStatus(t, m, "support bundle written to "+filepath.Join(dir, "ticket-99.zip"))
	matches, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	if len(matches) != 1 || filepath.Base(matches[0]) != "ticket-99.zip" {
		t.Fatalf("bundles written: %v", matches)
	}
	files := bundleFiles(t, matches[0])
	if !strings.Contains(files["summary.md"], "SMS factor changed") || !strings.Contains(files["summary.md"], "signature: verified") || files["session.har"] == "" {
		t.Fatalf("summary.md:\n%s", files["summary.md"])
	}
	if len(mfaSecrets.values()) < 2 {
		t.Fatalf("MFA secrets not captured: %d", len(mfaSecrets.values()))
	}
	secrets := append([]string{dinterotest.DemoSecret, dinterotest.DemoPassword, code, wrongCode(code)}, mfaSecrets.values()...)
	for name, body := range files {
		for _, sec := range secrets {
			for _, enc := range []string{sec, url.QueryEscape(sec), base64.StdEncoding.EncodeToString([]byte(sec)),
				base64.StdEncoding.EncodeToString([]byte(dinterotest.DemoClientID + ":" + sec))} {
				if len(sec) >= 6 && strings.Contains(body, enc) {
					t.Errorf("%s holds a secret (%q)", name, enc)
				}
			}
		}
	}
}

// TestDiagnoseFromTokenViewAndHome: the token view diagnoses the token's
// user; a client's token says there is no user; home diagnoses the
// selected connection's user.
func TestDiagnoseFromTokenViewAndHome(t *testing.T) {
	clk := uitest.NewClock(time.Now().Truncate(time.Second))
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 2)
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, dinterotest.DemoUser)
	press(t, m, "esc", "esc")
	wantScreen(t, m, "home")
	press(t, m, "home", "enter") // the API client's own token
	press(t, m, "u")
	requireShows(t, m, "not a user")
	press(t, m, "esc", "j")
	press(t, m, "u")
	requireShows(t, m, "Mia Fa", "Findings")
	// An unknown user: a clear error, and the question stays.
	press(t, m, "e", "ctrl+u")
	typeText(t, m, "nobody@example.com")
	press(t, m, "enter")
	requireShows(t, m, "no account user", "nobody@example.com")
}

// TestBundleFromTokenViewShowsTheFullPath: b on the token view asks where,
// writes through the injected writer, and shows the whole path.
func TestBundleFromTokenViewShowsTheFullPath(t *testing.T) {
	m, _, _, dir := bundleWorkbench(t)
	runConnection(t, m, 0)
	press(t, m, "b")
	requireShows(t, m, "Write the bundle to:", "tokenbench-bundle-20261128-120000.zip")
	press(t, m, "ctrl+u")
	typeText(t, m, "ticket-4711")
	press(t, m, "enter")
	want := filepath.Join(dir, "ticket-4711.zip")
	wantScreen(t, m, "token")
	wantStatus(t, m, want) // the whole path, wrapped at the width
	files := bundleFiles(t, want)
	if strings.Contains(files["summary.md"]+files["session.har"], dinterotest.DemoSecret) {
		t.Fatal("the bundle holds the client secret")
	}
	// From the log and the timeline too; esc writes nothing.
	press(t, m, "ctrl+l", "b")
	requireShows(t, m, "Support bundle", "HTTP log")
	press(t, m, "esc")
	requireShows(t, m, "support bundle not written")
	press(t, m, "t", "b")
	requireShows(t, m, "from MFA timeline")
}

// TestRevokeRemovesAProfilesStoredRefreshToken: X on a saved profile's
// token revokes through the session service, which removes the refresh
// token from the profile's keyring entry; the status line says so.
func TestRevokeRemovesAProfilesStoredRefreshToken(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := profileContext(t, clk, t.TempDir())
	p := profiles.Profile{Name: "support-pw", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: string(client.GrantPassword),
		ClientID: dinterotest.DemoClientID, Username: dinterotest.DemoUser, Secrets: map[profiles.Kind]profiles.Source{
			profiles.ClientSecret: profiles.SourceKeyring, profiles.Password: profiles.SourceKeyring, profiles.RefreshToken: profiles.SourceKeyring}}
	svc := session.New(ctx.Store, ctx.Secrets, ctx.NewRunner)
	if err := svc.Create(context.Background(), p, session.Values{profiles.ClientSecret: dinterotest.DemoSecret, profiles.Password: dinterotest.DemoPassword}); err != nil {
		t.Fatal(err)
	}
	m := New(ctx)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	if res, held := ctx.Session.Held("support-pw"); !held || res.RefreshToken == "" {
		t.Fatalf("run:\n%s", viewText(m))
	}
	if v, err := ctx.Secrets.Get(context.Background(), p, profiles.RefreshToken); err != nil || v == "" {
		t.Fatalf("the refresh token was not stored: %v", err)
	}
	press(t, m, "X", "y")
	requireShows(t, m, "and removed it from profile")
	if _, err := ctx.Secrets.Get(context.Background(), p, profiles.RefreshToken); !errors.Is(err, profiles.ErrNotSet) {
		t.Fatalf("the refresh token is still stored: %v", err)
	}
}

// TestRecoveryWithTheSignInsBearer: a sign-in that was given a Bearer (no
// client secret) recovers with that Bearer, without asking for a secret.
func TestRecoveryWithTheSignInsBearer(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	runner, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cc, _, err := runner.Start(context.Background(), ctx.Connections[0].Request)
	if err != nil {
		t.Fatal(err)
	}
	req := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantPassword, Bearer: cc.Response.AccessToken,
		Username: dinterotest.DemoLostDeviceUser, Password: dinterotest.DemoPassword}
	ctx.Connections = []common.Connection{{Name: "Bearer sign-in", BaseURL: srv.URL, Request: req, Channel: client.ChannelSMS}}
	m := New(ctx)
	press(t, m, "enter")
	requireShows(t, m, "Multi-factor authentication required")
	press(t, m, "L", "y")
	requireShows(t, m, "step 1 of 2: code sent by SMS")
	requireHides(t, m, cc.Response.AccessToken)
}

// capturedSecrets are the mfa_token and oob_code values the server
// answered with, as the wire carried them.
type capturedSecrets struct {
	mu   sync.Mutex
	seen []string
}

func (c *capturedSecrets) values() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.seen...)
}

type captureTransport struct{ into *capturedSecrets }

func (c captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var answer struct {
		OOBCode string `json:"oob_code"`
		Error   struct {
			MFAToken string `json:"mfa_token"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &answer) == nil {
		c.into.mu.Lock()
		for _, v := range []string{answer.OOBCode, answer.Error.MFAToken} {
			if v != "" {
				c.into.seen = append(c.into.seen, v)
			}
		}
		c.into.mu.Unlock()
	}
	return resp, nil
}

// captureMFASecrets makes ctx's runners note the MFA secrets the server
// sends, so a test can look for them where they must not be.
func captureMFASecrets(ctx *common.Context, clk *testClock) *capturedSecrets {
	into := &capturedSecrets{}
	ctx.NewRunner = func(base string) (*flows.Runner, error) {
		c, err := client.New(client.Options{BaseURL: base, Now: clk.Now, Timeout: 5 * time.Second, Recorder: ctx.Recorder,
			Transport: captureTransport{into: into}})
		if err != nil {
			return nil, err
		}
		r := flows.NewRunner(c)
		r.Now = clk.Now
		return r, nil
	}
	return into
}

// TestRateLimitedCodeCheckKeepsTheCode: a 429 on the code check did not
// check the code, so the screen keeps it to send again after the wait (it
// cleared it, and the user had to find the SMS again).
func TestRateLimitedCodeCheckKeepsTheCode(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 1) // the MFA user: a code by SMS at once
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	typeText(t, m, code)
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 5, Times: 1})
	press(t, m, "enter")
	requireShows(t, m, "429")
	wantFieldValue(t, m, "Code", code)
	clk.Advance(6 * time.Second)
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

// Issue 19.6: "e" on the diagnose screen (another user) opened the field
// with the old e-mail in it, so typing appended to it. It opens empty;
// esc goes back to the report, whose "r" still runs for its user.
func TestDiagnoseAnotherUserStartsEmpty(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS")
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, "Mia Fa")
	press(t, m, "e")
	requireShows(t, m, "› User")
	if strings.Contains(squash(viewText(m)), "›User"+dinterotest.DemoMFAUser) {
		t.Fatalf("the field opens with the old user in it:\n%s", viewText(m))
	}
	// esc keeps the report; r runs it again for the same user.
	press(t, m, "esc")
	requireShows(t, m, "Mia Fa")
	press(t, m, "r")
	requireShows(t, m, "Mia Fa")
	press(t, m, "e")
	typeText(t, m, dinterotest.DemoUser)
	press(t, m, "enter")
	requireShows(t, m, dinterotest.DemoUser)
	requireHides(t, m, "Mia Fa", dinterotest.DemoMFAUser+dinterotest.DemoUser, "✗")
}
