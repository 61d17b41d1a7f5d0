package ui

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// Issue 19 item 3: a token from another environment, pasted in the
// inspector, says "unknown kid" as the README promises: the server refuses
// it as its own Bearer, and the session's token reads the keys instead.
func TestInspectorTokenFromAnotherEnvironmentSaysUnknownKid(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	elsewhere := uitest.DemoServer(t, clk) // another environment: its own signing key
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere.RotateKey(key)
	m := New(demoContext(t, clk, srv))
	press(t, m, "enter") // the demo client's token: read:accounts on T11223344
	press(t, m, "ctrl+o")
	foreign, _ := elsewhere.IssueToken(map[string]any{"sub": "client:elsewhere", "aid": dinterotest.DemoAccount,
		"scope": "read:accounts", "iss": srv.URL + "/accounts/" + dinterotest.DemoAccount + "/auth"})
	press(t, m, "ctrl+u")
	typeText(t, m, foreign)
	press(t, m, "enter")
	requireShows(t, m, "unknown kid "+elsewhere.KeyID())
	requireHides(t, m, "keys refused", "unknown signing key")
}

// The inspector's keys URL comes from the pasted token's own account, not
// from the last request; a token naming a host this session does not use
// is not fetched from.
func TestInspectorKeysURLFromTheTokensIssuer(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "enter") // a token for T11223344
	press(t, m, "ctrl+o")
	other, _ := srv.IssueToken(map[string]any{"sub": "other", "iss": srv.URL + "/accounts/P99887766/auth"})
	press(t, m, "ctrl+u")
	typeText(t, m, other)
	press(t, m, "enter")
	requireShows(t, m, "P99887766/auth/keys")
	requireHides(t, m, "T11223344/auth/keys")

	hostile, _ := srv.IssueToken(map[string]any{"sub": "x", "iss": "https://evil.example/v1/accounts/T11223344/auth"})
	press(t, m, "ctrl+u")
	typeText(t, m, hostile)
	press(t, m, "enter")
	requireShows(t, m, "not checked")
	requireHides(t, m, "/auth/keys")
}

// TestInspectorScrollsAtSmallSizes: at 60×20 a decoded token's last
// claims were out of reach (↑/↓ did nothing), and ctrl+u left the keys URL
// the page had filled in for the cleared token.
func TestInspectorScrollsAtSmallSizes(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	claims := map[string]any{"sub": "user:someone", "iss": srv.URL + "/accounts/T11223344/auth", "zz_last_claim": "the end"}
	for i := range 12 {
		claims[fmt.Sprintf("claim_%02d", i)] = i
	}
	tok, _ := srv.IssueToken(claims)
	press(t, m, "ctrl+o")
	typeText(t, m, tok)
	press(t, m, "enter")
	requireShows(t, m, "Subject")
	requireHides(t, m, `"the end"`)
	for range 20 {
		press(t, m, "down")
	}
	requireShows(t, m, `"the end"`, "Token", "JWKS URL") // the inputs stay
	press(t, m, "ctrl+u")
	requireHides(t, m, "T11223344/auth/keys")
}

// Issue 19.9: the inspector's empty fields cut their placeholders at 60
// columns.
func TestInspectorAt60x20(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	ctx.Width, ctx.Height = 60, 20
	m := New(ctx)
	press(t, m, "ctrl+o")
	requireShows(t, m, "paste a JWT (a Bearer prefix is fine)", "optional: to check the signature")
	requireFits(t, m, 60, 20)
}
