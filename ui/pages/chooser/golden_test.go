package chooser_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/ui/internal/uitest"
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

// TestGoldenChooserSixtyByTwenty: a request's chooser at 60×20, the
// cursor on password.
func TestGoldenChooserSixtyByTwenty(t *testing.T) {
	p := newChooser(false)
	uitest.Press(p, "down")
	requireGolden(t, "chooser_60x20", uitest.Screen(p, 58, 20))
}
