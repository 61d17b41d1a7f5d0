package request_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/request"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// requireGolden compares a screen (plain text, trailing spaces trimmed)
// with testdata/name.golden; -update rewrites it.
func requireGolden(t *testing.T, name, screen string) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	got := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Fatalf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestGoldenPasswordFormSixtyByTwenty: a password request form at 60×20
// after an empty enter: the errors on their fields, the focus on the
// first, the secret fields masked.
func TestGoldenPasswordFormSixtyByTwenty(t *testing.T) {
	ctx := newCtx()
	ctx.Width, ctx.Height = 60, 20
	p := request.New(ctx, form.New(client.GrantPassword, map[string]string{form.FBaseURL: base, form.FClientSecret: "s3cret"}, true, 58), request.Setup{})
	uitest.Press(p, "enter")
	requireGolden(t, "request_password_60x20", uitest.Screen(p, 58, 20))
}
