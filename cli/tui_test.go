package cli

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
)

// The demo's authorization-code entry says what a second try does: running
// it again shows the held token (the workbench keeps it), and e, enter
// sends the used code again, which the server refuses
// (ui.TestAuthorizationCodeRunAgainShowsHeldTokenAndEditSendsAgain).
func TestDemoAuthorizationCodeDescriptionIsTrue(t *testing.T) {
	for _, c := range demoConnections("http://127.0.0.1:1/v1") {
		if c.Request.Grant != client.GrantAuthorizationCode {
			continue
		}
		if strings.Contains(c.Description, "second run") || !strings.Contains(c.Description, "e, enter") {
			t.Fatalf("description: %q", c.Description)
		}
		if len([]rune(c.Description)) > 72 { // the home list's room at 80 columns (after the cursor and the item number)
			t.Fatalf("description cut on home at 80 columns: %q", c.Description)
		}
		return
	}
	t.Fatal("no authorization_code connection in the demo")
}

// Every demo connection's description fits the home list at 80 columns:
// several were cut mid-instruction ("L on th…").
func TestDemoDescriptionsFitAt80Columns(t *testing.T) {
	for _, c := range demoConnections("http://127.0.0.1:1/v1") {
		if n := len([]rune(c.Description)); n > 72 {
			t.Errorf("%s: description of %d characters is cut at 80 columns: %q", c.Name, n, c.Description)
		}
	}
}
