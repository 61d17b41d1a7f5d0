package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// Enter on a profile of a file others can write runs none of its cmd:
// sources, reads none of its env: sources and sends no stored secret to
// its base URL: the form opens saying which file, why and the fix. Once
// the file is the user's alone, the same enter gets the token.
func TestUntrustedProfilesFileInTUI(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "pwn")
	for _, c := range []struct {
		name, source string
	}{
		{"cmd", "cmd:touch " + marker + "; echo " + dinterotest.DemoSecret},
		{"env", "env:SECRET_AWS_KEY"},
		{"keyring", "keyring"},
	} {
		t.Run(c.name, func(t *testing.T) {
			clk := uitest.NewClock(fixedNow)
			srv := uitest.DemoServer(t, clk)
			dir := filepath.Join(t.TempDir(), "hostile")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, profiles.FileName)
			body := "version: 1\nprofiles:\n  - name: ev\n    base_url: " + srv.URL + "\n    account: " + dinterotest.DemoAccount +
				"\n    grant: client_credentials\n    client_id: " + dinterotest.DemoClientID + "\n    secrets:\n      client_secret: \"" + c.source + "\"\n"
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o666); err != nil {
				t.Fatal(err)
			}
			ctx := profileContext(t, clk, dir)
			ctx.Secrets.Getenv = func(k string) string {
				if k == "SECRET_AWS_KEY" {
					return dinterotest.DemoSecret
				}
				return ""
			}
			p := profiles.Profile{Name: "ev", Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}}
			if err := ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
				t.Fatal(err)
			}
			m := New(ctx)
			wantScreen(t, m, "home")
			requireShows(t, m, "ev")
			press(t, m, "enter")
			wantScreen(t, m, "request · client_credentials")
			screen := strings.Join(strings.Fields(viewText(m)), " ")
			for _, want := range []string{"profiles file " + path + " can be written by others (mode 0666)",
				"cmd:/env: secret sources are not run and no secret is sent", "fix with: chmod go-w " + path} {
				if !strings.Contains(screen, want) {
					t.Errorf("the screen lacks %q:\n%s", want, viewText(m))
				}
			}
			requireHides(t, m, "needs input", dinterotest.DemoSecret)
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("the command of the profiles file ran")
			}
			if n := srv.Requests(); n != 0 {
				t.Fatalf("%d requests reached the file's base URL", n)
			}

			// Fixed as the error says: the same enter gets the token.
			if err := os.Chmod(path, 0o600); err != nil {
				t.Fatal(err)
			}
			press(t, m, "esc")
			wantScreen(t, m, "home")
			press(t, m, "enter")
			wantScreen(t, m, "token")
			if c.name == "cmd" {
				if _, err := os.Stat(marker); err != nil {
					t.Fatal("the command of the fixed file did not run")
				}
				_ = os.Remove(marker)
			}
		})
	}
}
