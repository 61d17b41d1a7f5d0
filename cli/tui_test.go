package cli

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
)

// The demo's authorization_code entry says what it is: Dintero's
// passwordless login, with a code the server issues for a user.
func TestDemoAuthorizationCodeDescriptionIsTrue(t *testing.T) {
	for _, c := range demoConnections("http://127.0.0.1:1/v1", "http://127.0.0.1:1/_fake/oidc/authorize") {
		if c.Request.Grant != client.GrantAuthorizationCode {
			continue
		}
		if !strings.Contains(c.Description, "passwordless") || !strings.Contains(c.Description, "issued") {
			t.Fatalf("description: %q", c.Description)
		}
		return
	}
	t.Fatal("no authorization_code connection in the demo")
}

// Every demo connection's description fits the home list at 80 columns:
// several were cut mid-instruction ("L on th…").
func TestDemoDescriptionsFitAt80Columns(t *testing.T) {
	for _, c := range demoConnections("http://127.0.0.1:1/v1", "http://127.0.0.1:1/_fake/oidc/authorize") {
		if n := len([]rune(c.Description)); n > 72 {
			t.Errorf("%s: description of %d characters is cut at 80 columns: %q", c.Name, n, c.Description)
		}
	}
}
