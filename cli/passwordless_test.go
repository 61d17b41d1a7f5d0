package cli

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// Issue 16: the passwordless login and the OIDC exchange, from the real
// command line against the fake over loopback.

func pwArgs(srv *dinterotest.Server, more ...string) []string {
	return append([]string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "authorization_code"}, more...)
}

// lastCode is the newest code in the outbox.
func lastCode(t *testing.T, srv *dinterotest.Server) dinterotest.Message {
	t.Helper()
	out := srv.Outbox()
	if len(out) == 0 {
		t.Fatal("nothing in the outbox")
	}
	return out[len(out)-1]
}

func claimsOf(t *testing.T, r run) map[string]any {
	t.Helper()
	var out struct {
		Claims   map[string]any `json:"claims"`
		UserInfo map[string]any `json:"user_info"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("not JSON: %v\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	out.Claims["user_info"] = out.UserInfo
	return out.Claims
}

func TestPasswordlessEmailExit3ThenContinue(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, secretEnv, "", pwArgs(srv, "--ident", dinterotest.DemoCustomer)...)
	if r.code != ExitNeedCode {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
	}
	m := lastCode(t, srv)
	if m.Channel != "email" || m.To != dinterotest.DemoCustomer {
		t.Fatalf("code went %s to %s", m.Channel, m.To)
	}
	want := "tokenbench token --base-url " + srv.URL + " --account T11223344 --grant authorization_code --client-id demo-client --ident 'customer@example.com' --verification-code CODE (with the same $TOKENBENCH_CLIENT_SECRET)"
	if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "sent by e-mail to customer@example.com") {
		t.Fatalf("continue command missing:\n%s", r.stderr)
	}
	// The printed command continues: the flag, or the environment.
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_VERIFICATION_CODE": m.BindingCode}
	r = runCLI(t, env, "", pwArgs(srv, "--ident", dinterotest.DemoCustomer, "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if sub := claimsOf(t, r)["sub"]; sub != "user:"+dinterotest.DemoCustomer {
		t.Fatalf("sub %v", sub)
	}
	if len(srv.Outbox()) != 1 {
		t.Fatal("continuing sent another code")
	}
	assertNoSecrets(t, r, m.BindingCode)
	// A reused code is refused, and says so.
	r = runCLI(t, secretEnv, "", pwArgs(srv, "--ident", dinterotest.DemoCustomer, "--verification-code", m.BindingCode)...)
	if r.code != ExitRejected || !strings.Contains(r.stderr, "already been used") || !strings.Contains(r.stderr, "for a new code") {
		t.Fatalf("reused code: exit %d\n%s", r.code, r.stderr)
	}
}

func TestPasswordlessSMSCodeFromStdin(t *testing.T) {
	srv := fake(t)
	// The code is read from one line of stdin: it is only known once sent,
	// so the fake's outbox feeds a pipe.
	pr, pw := io.Pipe()
	done := make(chan run, 1)
	go func() {
		var out, errOut strings.Builder
		app := NewApp(pr, &out, &errOut)
		app.env.getenv = func(k string) string { return secretEnv[k] }
		app.env.isTerminal = func() bool { return false }
		code := app.Run(t.Context(), pwArgs(srv, "--ident", dinterotest.DemoCustomer, "--connection", "sms", "-o", "json"))
		done <- run{code, out.String(), errOut.String()}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.Outbox()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	m := lastCode(t, srv)
	if m.Channel != "sms" || m.To != "+47 900 00 010" {
		t.Fatalf("code went %s to %s", m.Channel, m.To)
	}
	io.WriteString(pw, "000000\n"+m.BindingCode+"\n")
	pw.Close()
	r := <-done
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// A wrong code, then the right one.
	if !strings.Contains(r.stderr, "That code was not accepted") || !strings.Contains(r.stderr, "2 attempt(s) left") {
		t.Fatalf("wrong code not reported:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "sent by SMS") {
		t.Fatalf("where the code went is not said:\n%s", r.stderr)
	}
}

func TestPasswordlessUserIDNoPrompt(t *testing.T) {
	srv := fake(t)
	uid := srv.UserID(dinterotest.DemoUser)
	r := runCLI(t, secretEnv, "", pwArgs(srv, "--user-id", uid, "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if sub := claimsOf(t, r)["sub"]; sub != "user:"+dinterotest.DemoUser {
		t.Fatalf("sub %v", sub)
	}
	if len(srv.Outbox()) != 0 {
		t.Fatal("a code issued for a user was sent to someone")
	}
}

func TestPasswordlessUserIDOnProductionNeedsYes(t *testing.T) {
	srv := fake(t)
	uid := srv.UserID(dinterotest.DemoUser)
	args := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoProdAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "authorization_code", "--user-id", uid}
	before := srv.Requests()
	r := runCLI(t, secretEnv, "", args...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--yes") || !strings.Contains(r.stderr, "nothing was sent") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	if srv.Requests() != before {
		t.Fatal("something was sent without --yes")
	}
	if r := runCLI(t, secretEnv, "", append(args, "--yes")...); r.code != 0 {
		t.Fatalf("with --yes: exit %d: %s", r.code, r.stderr)
	}
	// On a terminal it asks first; "n" sends nothing.
	var out, errOut strings.Builder
	app := NewApp(strings.NewReader("n\n"), &out, &errOut)
	app.env.getenv = func(k string) string { return secretEnv[k] }
	app.env.isTerminal = func() bool { return true }
	before = srv.Requests()
	if code := app.Run(t.Context(), args); code != ExitUsage || !strings.Contains(errOut.String(), "Go on? [y/N]") {
		t.Fatalf("terminal, answered n: exit %d\n%s", code, errOut.String())
	}
	if srv.Requests() != before {
		t.Fatal("something was sent after n")
	}
}

func TestPasswordless429ShowsTheWait(t *testing.T) {
	srv := fake(t)
	for i := range 5 {
		if r := runCLI(t, secretEnv, "", pwArgs(srv, "--ident", dinterotest.DemoCustomer)...); r.code != ExitNeedCode {
			t.Fatalf("send %d: exit %d %s", i+1, r.code, r.stderr)
		}
	}
	before := srv.Requests()
	r := runCLI(t, secretEnv, "", pwArgs(srv, "--ident", dinterotest.DemoCustomer)...)
	if r.code != ExitRejected || !regexp.MustCompile(`retry in \d+ s|rate limited`).MatchString(r.stderr) {
		t.Fatalf("sixth send: exit %d\n%s", r.code, r.stderr)
	}
	// One client_credentials and one refused send: no loop.
	if n := srv.Requests() - before; n != 2 {
		t.Fatalf("%d requests after a 429, want 2", n)
	}
}

func TestOldAuthorizationCodeShapeRefusedAndProfileSaysHowToFix(t *testing.T) {
	srv := fake(t)
	// The fake refuses the OAuth redirect body as Dintero does.
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoUser, "-o", "json")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	dir := t.TempDir()
	old := "version: 1\nprofiles:\n  - name: oldcode\n    base_url: " + srv.URL + "\n    account: T11223344\n    grant: authorization_code\n    client_id: demo-client\n    redirect_uri: http://localhost:8080/callback\n    code: an-old-code\n"
	if err := os.WriteFile(filepath.Join(dir, "profiles.yaml"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	before := srv.Requests()
	r = runCLI(t, secretEnv, "", "--config-dir", dir, "token", "-p", "oldcode")
	if r.code != ExitUsage || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 ||
		!strings.Contains(r.stderr, "profile edit oldcode --ident EMAIL") || !strings.Contains(r.stderr, "passwordless") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	if srv.Requests() != before {
		t.Fatal("the old shape was sent")
	}
	if r := runCLI(t, secretEnv, "", "--config-dir", dir, "profile", "edit", "oldcode", "--ident", dinterotest.DemoCustomer); r.code != 0 {
		t.Fatalf("edit: %d %s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml"))
	if strings.Contains(string(data), "an-old-code") || !strings.Contains(string(data), "ident: customer@example.com") {
		t.Fatalf("edited profile:\n%s", data)
	}
	if r := runCLI(t, secretEnv, "", "--config-dir", dir, "token", "-p", "oldcode"); r.code != ExitNeedCode {
		t.Fatalf("fixed profile: exit %d %s", r.code, r.stderr)
	}
}

func TestOIDCCodeExchangeWithUserInfo(t *testing.T) {
	srv := fake(t)
	code, err := srv.IssueOIDCCode(dinterotest.DemoUser, "http://127.0.0.1:9/cb")
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "oidc", "--code", code, "--redirect-uri", "http://127.0.0.1:9/cb", "-o", "json", "-v")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	c := claimsOf(t, r)
	ui, _ := c["user_info"].(map[string]any)
	if c["sub"] != "user:"+dinterotest.DemoUser || ui["authority"] != dinterotest.OIDCAuthority {
		t.Fatalf("claims %v", c)
	}
	if !strings.Contains(r.stderr, "/auth/oidc/token") || strings.Contains(r.stderr, code) {
		t.Fatalf("-v: the exchange missing or the code shown:\n%s", r.stderr)
	}
}

// The test binary acts as the browser: $BROWSER runs it with the URL, it
// follows the fake provider's page and redirect (see TestMain).
func browserEnv(mode string) map[string]string {
	exe, _ := os.Executable()
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	env["BROWSER"] = exe + " -tokenbench-act-as-browser=" + mode
	return env
}

// actAsBrowser is the browser of the OIDC tests: it opens the authorize
// URL, clicks the first user's link on the provider's page, and follows
// the redirect to the workbench; "wrongstate" first sends the redirect
// with another state, as another page or process could, and needs a 400.
func actAsBrowser(mode, authorize string) {
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	res, err := noFollow.Get(authorize)
	if err != nil {
		os.Exit(1)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	link := regexp.MustCompile(`href="([^"]+)"`).FindSubmatch(page)
	if link == nil {
		os.Exit(1)
	}
	base, _ := url.Parse(authorize)
	login, _ := base.Parse(strings.ReplaceAll(string(link[1]), "&amp;", "&"))
	res, err = noFollow.Get(login.String())
	if err != nil {
		os.Exit(1)
	}
	res.Body.Close()
	back, _ := url.Parse(res.Header.Get("Location"))
	if mode == "wrongstate" {
		wrong := *back
		q := wrong.Query()
		q.Set("state", "not-the-state")
		wrong.RawQuery = q.Encode()
		res, err := http.Get(wrong.String())
		if err != nil {
			os.Exit(1)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			os.Exit(3)
		}
	}
	res, err = http.Get(back.String())
	if err != nil {
		os.Exit(1)
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), "You can close this tab") {
		os.Exit(2)
	}
	os.Exit(0)
}

func oidcBrowserArgs(srv *dinterotest.Server) []string {
	return []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "oidc", "--authorize-url", srv.OIDCAuthorizeURL(), "-o", "json"}
}

func TestOIDCBrowserLogin(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, browserEnv("follow"), "", oidcBrowserArgs(srv)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	c := claimsOf(t, r)
	if ui, _ := c["user_info"].(map[string]any); ui["authority"] != dinterotest.OIDCAuthority {
		t.Fatalf("no user_info: %v", c)
	}
	// A loopback --redirect-uri chooses the port and path it listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + l.Addr().String() + "/tb/back"
	l.Close()
	r = runCLI(t, browserEnv("follow"), "", append(oidcBrowserArgs(srv), "--redirect-uri", redirect)...)
	if r.code != 0 || !strings.Contains(r.stderr, "Waiting for the redirect to "+redirect) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// One that is not loopback is refused before anything is sent.
	before := srv.Requests()
	r = runCLI(t, browserEnv("follow"), "", append(oidcBrowserArgs(srv), "--redirect-uri", "https://app.example.com/cb")...)
	if r.code != ExitUsage || srv.Requests() != before {
		t.Fatalf("non-loopback redirect: exit %d, %d requests: %s", r.code, srv.Requests()-before, r.stderr)
	}
}

// A redirect with another state (any local page or process can send one)
// gets a 400 and does not end the login: the provider's redirect that
// follows still signs in.
func TestOIDCBrowserLoginWrongStateIgnored(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, browserEnv("wrongstate"), "", oidcBrowserArgs(srv)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if ui, _ := claimsOf(t, r)["user_info"].(map[string]any); ui["authority"] != dinterotest.OIDCAuthority {
		t.Fatalf("no user_info: %s", r.stdout)
	}
}

// The redirect URI (from a flag or an imported profile) and the URL to
// open are printed without terminal controls or bidi overrides.
func TestOIDCBrowserLoginLinesSanitised(t *testing.T) {
	srv := fake(t)
	var out, errOut strings.Builder
	app := NewApp(strings.NewReader(""), &out, &errOut)
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	app.env.getenv = func(k string) string { return env[k] }
	app.env.isTerminal = func() bool { return false }
	app.openURL = func(string) error { return errors.New("no browser \u202e\u009b31m") }
	app.after = func(time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		ch <- fixedNow
		return ch
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + l.Addr().String() + "/cb\u202egnp.exe\u009b2J"
	l.Close()
	code := app.Run(t.Context(), append(oidcBrowserArgs(srv), "--redirect-uri", redirect))
	if code == 0 || !strings.Contains(errOut.String(), "Waiting for the redirect to http://"+l.Addr().String()+"/cbgnp.exe2J") {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	if strings.ContainsAny(errOut.String(), "\u202e\u009b\x1b") {
		t.Fatalf("controls printed: %q", errOut.String())
	}
}

func TestOIDCBrowserLoginGivesUpAfter5Minutes(t *testing.T) {
	srv := fake(t)
	var out, errOut strings.Builder
	app := NewApp(strings.NewReader(""), &out, &errOut)
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "BROWSER": "/nonexistent/browser"}
	app.env.getenv = func(k string) string { return env[k] }
	app.env.isTerminal = func() bool { return false }
	app.openURL = func(string) error { return os.ErrNotExist } // no browser works
	var asked time.Duration
	app.after = func(d time.Duration) <-chan time.Time {
		asked = d
		ch := make(chan time.Time, 1)
		ch <- fixedNow.Add(d) // the injected clock: 5 minutes pass at once
		return ch
	}
	code := app.Run(t.Context(), oidcBrowserArgs(srv))
	if code == 0 || asked != 5*time.Minute || !strings.Contains(errOut.String(), "within 5 minutes") {
		t.Fatalf("exit %d, waited %v\n%s", code, asked, errOut.String())
	}
	// No browser: the URL is printed to open by hand.
	if !strings.Contains(errOut.String(), "Open this URL to sign in:\n  "+srv.OIDCAuthorizeURL()+"?") {
		t.Fatalf("URL not printed:\n%s", errOut.String())
	}
}

// Verification and OIDC codes never show in -v, the HAR or the bundle.
func TestPasswordlessAndOIDCCodesRedactedEverywhere(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	if r := runCLI(t, secretEnv, "", pwArgs(srv, "--ident", dinterotest.DemoCustomer)...); r.code != ExitNeedCode {
		t.Fatal(r.stderr)
	}
	vc := lastCode(t, srv).BindingCode
	uid := srv.UserID(dinterotest.DemoUser)
	idp, err := srv.IssueOIDCCode(dinterotest.DemoUser, "")
	if err != nil {
		t.Fatal(err)
	}
	runs := [][]string{
		pwArgs(srv, "--ident", dinterotest.DemoCustomer, "--verification-code", vc),
		pwArgs(srv, "--user-id", uid),
		{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--grant", "oidc", "--code", idp},
	}
	for i, args := range runs {
		har, zipFile := filepath.Join(dir, fmt.Sprint(i, ".har")), filepath.Join(dir, fmt.Sprint(i, ".zip"))
		r := runCLI(t, secretEnv, "", append(args, "-v", "--har", har, "--bundle", zipFile)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d %s", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "(6 chars)") && i < 2 || i == 2 && !strings.Contains(r.stderr, "chars)") {
			t.Fatalf("%v: no masked code in -v:\n%s", args, r.stderr)
		}
		data, err := os.ReadFile(har)
		if err != nil {
			t.Fatal(err)
		}
		texts := map[string]string{har: string(data)}
		zr, err := zip.OpenReader(zipFile)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			texts[f.Name] = string(b)
		}
		zr.Close()
		for name, text := range texts {
			for _, sec := range []string{vc, idp} {
				if strings.Contains(text, sec) {
					t.Fatalf("%s holds a code", name)
				}
			}
		}
		assertNoSecrets(t, r, vc, idp)
	}
	// The code issued for a user came in an answer: it is found there too.
	out := runCLI(t, secretEnv, "", pwArgs(srv, "--user-id", uid, "-v")...)
	m := regexp.MustCompile(`"verification_code": "([^"]*)"`).FindAllStringSubmatch(out.stderr, -1)
	if len(m) < 2 || !strings.Contains(m[0][1], "chars)") || !strings.Contains(m[1][1], "chars)") {
		t.Fatalf("the issued code is not masked in its answer and its use:\n%s", out.stderr)
	}
}

// A passwordless profile keeps who the code goes to, never a code; its
// exit 3 continue command is the profile's.
func TestPasswordlessProfileContinues(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	env := map[string]string{"SHOP_SECRET": dinterotest.DemoSecret}
	r := runCLI(t, env, "", "--config-dir", dir, "profile", "add", "shop", "--secret-source", "env:SHOP_SECRET", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--grant", "authorization_code", "--ident", dinterotest.DemoCustomer, "--connection", "sms")
	if r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, env, "", "--config-dir", dir, "profile", "add", "bad", "--account", dinterotest.DemoAccount, "--grant", "oidc", "--code", "x"); r.code != ExitUsage {
		t.Fatalf("a profile took a code: %d %s", r.code, r.stderr)
	}
	r = runCLI(t, env, "", "--config-dir", dir, "token", "-p", "shop")
	if r.code != ExitNeedCode || !strings.Contains(r.stderr, "tokenbench token -p shop --verification-code CODE\n") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	m := lastCode(t, srv)
	if m.Channel != "sms" {
		t.Fatalf("the profile's connection was not used: %s", m.Channel)
	}
	if r := runCLI(t, env, "", "--config-dir", dir, "token", "-p", "shop", "--verification-code", m.BindingCode); r.code != 0 {
		t.Fatalf("continue: %d %s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml"))
	if strings.Contains(string(data), m.BindingCode) || !strings.Contains(string(data), "connection: sms") {
		t.Fatalf("profile file:\n%s", data)
	}
}

// "sms" at the code prompt has the same code sent by SMS (the login
// session's resend), then the code is read as before.
func TestPasswordlessResendSameCodeBySMS(t *testing.T) {
	srv := fake(t)
	pr, pw := io.Pipe()
	done := make(chan run, 1)
	go func() {
		var out, errOut strings.Builder
		app := NewApp(pr, &out, &errOut)
		app.env.getenv = func(k string) string { return secretEnv[k] }
		app.env.isTerminal = func() bool { return false }
		code := app.Run(t.Context(), pwArgs(srv, "--ident", dinterotest.DemoCustomer))
		done <- run{code, out.String(), errOut.String()}
	}()
	waitOutbox := func(n int) {
		deadline := time.Now().Add(10 * time.Second)
		for len(srv.Outbox()) < n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitOutbox(1)
	io.WriteString(pw, "sms\n")
	waitOutbox(2)
	out := srv.Outbox()
	if len(out) != 2 || out[1].Channel != "sms" || out[1].BindingCode != out[0].BindingCode {
		t.Fatalf("outbox %+v", out)
	}
	io.WriteString(pw, out[1].BindingCode+"\n")
	pw.Close()
	r := <-done
	if r.code != 0 || !strings.Contains(r.stderr, "The same code was sent by SMS") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}
