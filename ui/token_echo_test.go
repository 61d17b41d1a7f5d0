package ui

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// TestTokenViewMasksASecretTheServerEchoes: a server that echoes the
// client secret back in its token answer (a field, the Authorization
// header it got, a claim of the token) does not get it onto the token
// view, its raw JSON or the inspector: what it sent is masked with the
// session's redactor, as the HAR and -o json are.
func TestTokenViewMasksASecretTheServerEchoes(t *testing.T) {
	const secret = "Cs3cr3t+/=&<\"é_ZqW7"
	clk := uitest.NewClock(fixedNow)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims := jwt.MapClaims{"iss": "https://echo.example/auth", "sub": "client:cid", "iat": clk.Now().Unix(),
			"exp": clk.Now().Add(10 * time.Minute).Unix(), "scope": "read:accounts", "leak": secret}
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("echo-key"))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 600,
			"echo_auth": r.Header.Get("Authorization"), "echo_raw": secret, "echo_hex": hex.EncodeToString([]byte(secret))})
	}))
	defer srv.Close()
	ctx := testContext(clk)
	ctx.Connections = []common.Connection{{Name: "echo", BaseURL: srv.URL + "/v1",
		Request: flows.Request{Account: "T11223344", Grant: client.GrantClientCredentials, ClientID: "cid", ClientSecret: secret}}}
	m := New(ctx)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	forms := []string{secret, base64.StdEncoding.EncodeToString([]byte("cid:" + secret)), hex.EncodeToString([]byte(secret)), `Cs3cr3t+/=\u0026`}
	lacks := func(where string) {
		t.Helper()
		view := viewText(m)
		for _, f := range forms {
			if strings.Contains(view, f) {
				t.Fatalf("%s shows the client secret (%q):\n%s", where, f, view)
			}
		}
	}
	lacks("the token view")
	requireShows(t, m, "leak")
	press(t, m, "v")
	lacks("the raw JSON")
	for range 6 {
		press(t, m, "right")
		lacks("the raw JSON scrolled sideways")
	}
	press(t, m, "esc", "c") // the token, as the user copies it into the inspector
	clip := ctx.Clipboard.(*fakeClipboard)
	clip.mu.Lock()
	token := clip.content
	clip.mu.Unlock()
	press(t, m, "ctrl+o")
	typeText(t, m, token)
	press(t, m, "enter")
	lacks("the inspector")
	requireShows(t, m, "leak")
}
