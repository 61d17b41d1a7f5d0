package home_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/home"
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

// TestGoldenHomeSixtyByTwenty: home at 60×20 with two profiles, the two
// connections and a token held for the first connection (its countdown
// on its line), the cursor on the MFA user.
func TestGoldenHomeSixtyByTwenty(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	ctx := homeContext(t, clk, true)
	ctx.Width, ctx.Height = 60, 20
	p := home.New(ctx, saved, "")
	ctx.Session.Hold(profiles.Profile{Name: "conn:0"}, heldToken(clk.Now(), clk.Now().Add(5*time.Minute), "rt"))
	drive(p, "down", "down", "down")
	requireGolden(t, "home_60x20", uitest.Screen(p, 58, 20))
}
