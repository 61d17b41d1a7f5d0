package home_test

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/home"
)

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
	golden.RequireEqual(t, []byte(uitest.Screen(p, 58, 20)))
}
