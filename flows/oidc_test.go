package flows_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
)

const authorizeURL = "https://idp.example.com/authorize"

// freePort is a port free on both loopback addresses just now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

func needIPv6(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no ::1 here:", err)
	}
	l.Close()
}

// stateOf is the state the login put in the URL the browser opens.
func stateOf(t *testing.T, b *flows.BrowserLogin) string {
	t.Helper()
	u, err := url.Parse(b.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("state")
}

// visit is the fake browser: a GET of u, its status and page.
func visit(t *testing.T, u string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(page)
}

func canConnect(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// waitResult runs Wait in the background.
func waitResult(b *flows.BrowserLogin, timeout <-chan time.Time) <-chan [2]any {
	ch := make(chan [2]any, 1)
	go func() {
		code, err := b.Wait(context.Background(), timeout)
		ch <- [2]any{code, err}
	}()
	return ch
}

func TestBrowserLoginListensOnTheRedirectHost(t *testing.T) {
	needIPv6(t)
	port := freePort(t)
	b, err := flows.StartBrowserLogin(authorizeURL, "http://[::1]:"+port+"/cb")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !canConnect("[::1]:" + port) {
		t.Fatal("the login does not listen on [::1], the redirect URI's host")
	}
	if canConnect("127.0.0.1:" + port) {
		t.Fatal("the login listens on 127.0.0.1, not the redirect URI's host")
	}
	// Another process can no longer take [::1]:port.
	if l, err := net.Listen("tcp", "[::1]:"+port); err == nil {
		l.Close()
		t.Fatal("[::1] is free for anyone to bind")
	}
}

func TestBrowserLoginLocalhostListensOnEveryAddress(t *testing.T) {
	needIPv6(t)
	old := client.LookupHost
	t.Cleanup(func() { client.LookupHost = old })
	client.LookupHost = func(context.Context, string) ([]string, error) { return []string{"127.0.0.1", "::1"}, nil }
	port := freePort(t)
	b, err := flows.StartBrowserLogin(authorizeURL, "http://localhost:"+port+"/cb")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, a := range []string{"127.0.0.1:" + port, "[::1]:" + port} {
		if !canConnect(a) {
			t.Fatalf("localhost resolves to %s, which the login does not listen on", a)
		}
	}
	b.Close()
	// A localhost that resolves elsewhere is refused.
	client.LookupHost = func(context.Context, string) ([]string, error) { return []string{"127.0.0.1", "203.0.113.9"}, nil }
	if _, err := flows.StartBrowserLogin(authorizeURL, "http://localhost:"+port+"/cb"); !errors.Is(err, client.ErrInvalidInput) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("non-loopback localhost: %v", err)
	}
}

func TestBrowserLoginRefusesPortZero(t *testing.T) {
	for _, ru := range []string{"http://127.0.0.1:0/cb", "http://[::1]:0/cb", "http://127.0.0.1:00/cb"} {
		b, err := flows.StartBrowserLogin(authorizeURL, ru)
		if err == nil {
			b.Close()
			t.Fatalf("%s accepted", ru)
		}
		if !errors.Is(err, client.ErrInvalidInput) || !strings.Contains(err.Error(), "port 0") || strings.Contains(err.Error(), "\n") {
			t.Fatalf("%s: %v", ru, err)
		}
	}
}

func TestBrowserLoginIgnoresRedirectsOfOtherLogins(t *testing.T) {
	b, err := flows.StartBrowserLogin(authorizeURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	state := stateOf(t, b)
	done := waitResult(b, time.After(time.Minute))
	for _, q := range []string{
		"code=x",                                         // no state
		"code=x&state=wrong",                             // another state
		"error=access_denied&state=wrong",                // another login's error
		"code=x&state=" + state + "&state=wrong",         // state twice
		"code=x&state=wrong&state=" + state,              // state twice, the right one last
		"code=x&code=y&state=" + state,                   // code twice
		"code=x&state=" + url.QueryEscape(state) + "%00", // almost the state
	} {
		status, page := visit(t, b.RedirectURI+"?"+q)
		if status != http.StatusBadRequest || !strings.Contains(page, "Not this login's redirect") {
			t.Fatalf("%s: %d %s", q, status, page)
		}
		select {
		case r := <-done:
			t.Fatalf("%s ended the login: %v", q, r)
		case <-time.After(50 * time.Millisecond):
		}
	}
	// The provider's redirect still gets through.
	if status, _ := visit(t, b.RedirectURI+"?code=the-code&state="+url.QueryEscape(state)); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	r := <-done
	if r[0] != "the-code" || r[1] != nil {
		t.Fatalf("got %v", r)
	}
}

func TestBrowserLoginStillTimesOutWhileRefusing(t *testing.T) {
	b, err := flows.StartBrowserLogin(authorizeURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	timeout := make(chan time.Time, 1)
	done := waitResult(b, timeout)
	visit(t, b.RedirectURI+"?code=x&state=wrong")
	timeout <- time.Now()
	if r := <-done; !errors.Is(r[1].(error), flows.ErrLoginTimeout) {
		t.Fatalf("got %v", r)
	}
}

func TestBrowserLoginProviderErrorEndsItBounded(t *testing.T) {
	b, err := flows.StartBrowserLogin(authorizeURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	done := waitResult(b, time.After(time.Minute))
	desc := "\u202e\u009b31m" + strings.Repeat("d", 20000)
	status, _ := visit(t, b.RedirectURI+"?error=access_denied&error_description="+url.QueryEscape(desc)+"&state="+url.QueryEscape(stateOf(t, b)))
	if status != http.StatusBadRequest {
		t.Fatalf("status %d", status)
	}
	r := <-done
	err, _ = r[1].(error)
	if err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Fatalf("got %v", r)
	}
	if msg := err.Error(); len(msg) > 400 || strings.ContainsAny(msg, "\u202e\u009b") || !strings.Contains(msg, "…") {
		t.Fatalf("error of %d bytes: %.300q", len(msg), msg)
	}
}

// Issue (new user 3): the redirect's page said "Signed in" while the code
// had not been exchanged yet, and the exchange then failed (400
// invalid_grant on the terminal). The page says what happened: the code
// reached tokenbench, whose terminal tells how the sign-in ends.
func TestBrowserLoginPageClaimsNoSignIn(t *testing.T) {
	b, err := flows.StartBrowserLogin(authorizeURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	done := waitResult(b, time.After(time.Minute))
	status, page := visit(t, b.RedirectURI+"?code=a-code-the-server-refuses&state="+url.QueryEscape(stateOf(t, b)))
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if strings.Contains(strings.ToLower(page), "signed in") || !strings.Contains(page, "tokenbench has the code") || !strings.Contains(page, "terminal") {
		t.Fatalf("the redirect's page: %s", page)
	}
	<-done
}
