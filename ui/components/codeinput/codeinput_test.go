package codeinput

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
)

// TestCodeInputForAnotherCode: the code field is configured by the screen
// that asks (a passwordless verification code next to the MFA binding
// code): its label shows, its length bounds what is typed, keys other than
// digits type nothing, and a paste is cleaned as an SMS shows a code.
func TestCodeInputForAnotherCode(t *testing.T) {
	c := New(Spec{Label: "Verification code", Placeholder: "the code e-mailed", MaxLen: 6})
	c.Focus()
	for _, k := range []string{"1", "x", "2", "?", " "} {
		c.Update(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
	}
	c.Update(tea.PasteMsg{Content: "Code: 345 678 90"})
	code, why := c.Submit()
	if code != "123456" || why != "" {
		t.Fatalf("typed 1x2? then pasted: %q (%q)", code, why)
	}
	if line := c.Line(common.DefaultStyles(true)); !strings.Contains(line, "Verification code") || !strings.Contains(line, "123456") {
		t.Fatalf("the field shows %q", line)
	}
	c.Reset()
	if _, why := c.Submit(); why == "" {
		t.Fatal("an empty code is not refused")
	}
}
