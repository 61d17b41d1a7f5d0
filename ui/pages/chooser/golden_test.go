package chooser_test

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// TestGoldenChooserSixtyByTwenty: a request's chooser at 60×20, the
// cursor on password.
func TestGoldenChooserSixtyByTwenty(t *testing.T) {
	p := newChooser(false)
	uitest.Press(p, "down")
	golden.RequireEqual(t, []byte(uitest.Screen(p, 58, 20)))
}
