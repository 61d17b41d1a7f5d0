package cli

import (
	"archive/zip"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// readSummary is a bundle's summary.md.
func readSummary(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "summary.md" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		return string(data)
	}
	t.Fatal("no summary.md in the bundle")
	return ""
}

// Issue 17 item 1: Dintero's error details. The one-line error names the
// first; -v and the bundle's summary.md show all of them.
func TestErrorDetailsEverywhere(t *testing.T) {
	srv := fake(t)
	base := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}

	// One detail: the line is the contract's example, word for word.
	r := runCLI(t, secretEnv, "", append(base, "--audience", "https://api.dintero.com/v1/accounts/T99999999")...)
	if r.code != ExitRejected || r.stderr != "error: 400 Validation failed: audience must be a grant associated with the client\n" {
		t.Fatalf("one detail: %+v", r)
	}

	// Two details: the line names the first and says there are more; -v
	// shows both, each as its human text; the bundle lists both.
	bundlePath := filepath.Join(t.TempDir(), "ticket.zip")
	args := append(base, "--param", "drift=yes", "--param", "scope=admin:accounts", "-v", "--bundle", bundlePath)
	r = runCLI(t, secretEnv, "", args...)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	last := lines[len(lines)-1]
	if r.code != ExitRejected || last != "error: 400 Validation failed: drift is not allowed (and 1 more)" {
		t.Fatalf("two details, error line %q: %+v", last, r)
	}
	for _, want := range []string{"* error detail 1 of 2: drift is not allowed\n", "* error detail 2 of 2: scope is not allowed\n"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-v lacks %q:\n%s", want, r.stderr)
		}
	}
	assertNoSecrets(t, r)
	summary := readSummary(t, bundlePath)
	for _, want := range []string{
		"failed: 400 Validation failed: drift is not allowed (and 1 more)",
		"The server's details (2):\n\n- drift is not allowed\n- scope is not allowed\n",
		"| 400 | Validation failed (2 details below) |",
		"Error details of #1 (POST /v1/accounts/T11223344/auth/token, 400):\n\n- drift is not allowed\n- scope is not allowed\n",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, summary)
		}
	}
}
