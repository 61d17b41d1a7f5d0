package ui

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"

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
