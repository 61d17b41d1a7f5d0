package record_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/record"
)

// forgetClock is a settable clock for the recorder.
type forgetClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *forgetClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *forgetClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// echoServer issues 10-minute JWTs and rotating refresh tokens, and on
// /echo answers an error that names every token it ever issued, as a
// careless server or a WAF reflecting old requests does.
type echoServer struct {
	mu     sync.Mutex
	clk    *forgetClock
	issued []string
	n      int
}

func (s *echoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/token":
		var body struct {
			GrantType string `json:"grant_type"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		s.n++
		payload := fmt.Sprintf(`{"exp":%d,"jti":"jti-%04d"}`, s.clk.Now().Add(10*time.Minute).Unix(), s.n)
		at := "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2lnbmF0dXJl"
		rt := fmt.Sprintf("rt_rotating-refresh-token-%04d", s.n)
		s.issued = append(s.issued, at, rt)
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": at, "refresh_token": rt, "token_type": "Bearer", "expires_in": 600})
	case "/echo":
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": "invalid_request",
			"error_description": "tokens seen before: " + strings.Join(s.issued, ", ")})
	default:
		_, _ = w.Write([]byte(`{"ok":true}`))
	}
}

// forgetRig is a recorder keeping max exchanges over an echoing server,
// with what -v printed.
type forgetRig struct {
	t       *testing.T
	clk     *forgetClock
	srv     *httptest.Server
	rd      *record.Redactor
	rec     *record.Recorder
	hc      *http.Client
	verbose strings.Builder
}

func newForgetRig(t *testing.T, max int) *forgetRig {
	clk := &forgetClock{t: time.Unix(1_800_000_000, 0)}
	srv := httptest.NewServer(&echoServer{clk: clk})
	t.Cleanup(srv.Close)
	g := &forgetRig{t: t, clk: clk, srv: srv, rd: &record.Redactor{}}
	g.rec = &record.Recorder{Redactor: g.rd, Max: max, Now: clk.Now, OnExchange: func(e record.Exchange) { g.verbose.WriteString(e.Text()) }}
	g.hc = &http.Client{Transport: g.rec.Wrap(http.DefaultTransport, nil)}
	return g
}

func (g *forgetRig) post(path, body string) map[string]any {
	g.t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.srv.URL+path, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	req.SetBasicAuth("demo-client", "demo-client-secret")
	req.Header.Set("Content-Type", "application/json")
	res, err := g.hc.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return out
}

// har is the HAR a bundle or --har writes now from the exchanges kept,
// redacted once more as bundle.Write does.
func (g *forgetRig) har() string {
	g.t.Helper()
	data, err := record.HAR(g.rec.Exchanges(), "test")
	if err != nil {
		g.t.Fatal(err)
	}
	return g.rd.Redact(string(data))
}

// TestForgottenTokenFollowsRecorderEviction: a token long expired is kept
// while an exchange that carried it is still held, so that a server
// echoing it later is redacted in -v and in the HAR; once the recorder has
// let go of that exchange it is forgotten, and the redactor knows no more
// than what a day's live tokens and history need.
func TestForgottenTokenFollowsRecorderEviction(t *testing.T) {
	g := newForgetRig(t, 60)
	first := g.post("/token", `{"grant_type":"client_credentials"}`)
	token := first["access_token"].(string)
	refresh := first["refresh_token"].(string)
	// The refresh token is rotated away: spent.
	g.post("/token", `{"grant_type":"refresh_token","refresh_token":"`+refresh+`"}`)

	// Long past its expiry and the grace, with exchanges enough for the
	// recorder to have told the redactor to forget several times; the
	// first exchange is still kept.
	g.clk.add(10*time.Minute + record.DefaultGrace + time.Hour)
	for range 50 {
		g.post("/ping", `{}`)
	}
	if len(g.rec.Exchanges()) != 52 {
		t.Fatalf("the recorder keeps %d exchanges, want all 52", len(g.rec.Exchanges()))
	}
	g.verbose.Reset()
	g.post("/echo", `{}`)
	for _, s := range []string{token, refresh} {
		for _, where := range []struct{ name, text string }{{"-v", g.verbose.String()}, {"HAR", g.har()}} {
			if strings.Contains(where.text, s) {
				t.Fatalf("%s prints a token still in a kept exchange after it would have been forgotten:\n%s", where.name, where.text)
			}
		}
	}

	// Once the recorder has let go of the exchanges that carried them,
	// the dead tokens are forgotten; the client secret, the Basic
	// credentials and the refresh token still held stay.
	before := g.rd.Known()
	for range 70 {
		g.post("/ping", `{}`)
	}
	if got := g.rd.Known(); got >= before {
		t.Fatalf("the redactor knows %d secrets after the exchanges that carried the dead tokens left the recorder, %d before", got, before)
	}
	if got := g.rd.Redact(token); got != token {
		t.Errorf("a token expired over an hour ago and in no kept exchange is still known: %q", got)
	}
	if got := g.rd.Redact(refresh); got != refresh {
		t.Errorf("a spent refresh token in no kept exchange is still known: %q", got)
	}
	held := "rt_rotating-refresh-token-0002"
	for _, s := range []string{"demo-client-secret", held, base64.StdEncoding.EncodeToString([]byte("demo-client:demo-client-secret"))} {
		if got := g.rd.Redact("x " + s + " y"); strings.Contains(got, s) {
			t.Errorf("%q is no longer redacted: %q", s, got)
		}
	}
}

// TestRedactorBoundedOverALongDay: a day of refreshes leaves the redactor
// knowing a number of secrets bounded by the history kept, not by the
// tokens ever seen.
func TestRedactorBoundedOverALongDay(t *testing.T) {
	g := newForgetRig(t, 50)
	res := g.post("/token", `{"grant_type":"client_credentials"}`)
	var peak int
	for i := range 600 {
		g.clk.add(time.Minute)
		res = g.post("/token", `{"grant_type":"refresh_token","refresh_token":"`+res["refresh_token"].(string)+`"}`)
		if i == 300 {
			g.rd.Forget(g.clk.Now())
			peak = g.rd.Known()
		}
	}
	g.rd.Forget(g.clk.Now())
	// The 50 exchanges kept carry 100 tokens; the client secret and the
	// Basic credentials add 3.
	if got := g.rd.Known(); got > 110 || got > peak+2 {
		t.Fatalf("after 600 refreshes the redactor knows %d secrets (%d at 300)", got, peak)
	}
}
