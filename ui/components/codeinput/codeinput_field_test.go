package codeinput_test

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/codeinput"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// field is the MFA binding code's field, focused, with keys typed.
func field(keys ...string) codeinput.Model {
	c := codeinput.New(codeinput.BindingCode)
	c.Focus()
	for _, msg := range uitest.Keys(keys...) {
		c.Update(msg)
	}
	return c
}

// Keys other than digits type nothing, wherever they come among the
// digits; text typed at once with a non-digit in it types nothing of it.
func TestOnlyDigitsAreTyped(t *testing.T) {
	c := field("4", "a", "8", " ", "-", "2", "?", "q", "9", "1", "3", "x1")
	if got := c.Value(); got != "482913" {
		t.Fatalf("typed %q", got)
	}
	c = field("12", "3a") // a paste some terminals send as text
	if got := c.Value(); got != "12" {
		t.Fatalf("typed %q", got)
	}
	c = field("7", "7")
	if line := ansi.Strip(c.Line(common.DefaultStyles(true))); strings.Join(strings.Fields(line), " ") != "› Code 77" {
		t.Fatalf("the field's line: %q", line)
	}
}

// The field holds at most its spec's length.
func TestTheCodeIsBounded(t *testing.T) {
	c := field(strings.Split(strings.Repeat("1", 20), "")...)
	if got := c.Value(); got != strings.Repeat("1", codeinput.BindingCode.MaxLen) {
		t.Fatalf("typed %q (%d)", got, len(got))
	}
}

// A paste is cleaned as an SMS shows a code: its label, spaces and dashes
// go, whatever the field held is kept before it.
func TestAPasteIsCleaned(t *testing.T) {
	for paste, want := range map[string]string{
		"731 735":          "731735",
		"Code: 731735":     "731735",
		"  code:731-735\n": "731735",
		"731\u2013735":     "731735", // an en dash
		"\t482 913 \r\n":   "482913",
	} {
		c := field()
		c.Update(tea.PasteMsg{Content: paste})
		if got := c.Value(); got != want {
			t.Errorf("pasted %q: the field holds %q, want %q", paste, got, want)
		}
		if code, why := c.Submit(); code != want || why != "" {
			t.Errorf("pasted %q: submit %q (%q)", paste, code, why)
		}
	}
	c := field("1", "2")
	c.Update(tea.PasteMsg{Content: "3 4"})
	if got := c.Value(); got != "1234" {
		t.Fatalf("a paste after typing: %q", got)
	}
}

// A code that cannot be right (empty, or a paste with more than a code in
// it) is refused by Submit, which says why without repeating the code: the
// screen sends nothing and no attempt is used.
func TestACodeThatCannotBeRightIsRefusedBeforeSending(t *testing.T) {
	c := field()
	if _, why := c.Submit(); !strings.Contains(why, "type the code") {
		t.Fatalf("an empty code: %q", why)
	}
	c.Update(tea.PasteMsg{Content: "Your code is 7317O5"})
	code, why := c.Submit()
	if why == "" || !strings.Contains(why, "digits only: nothing was sent") {
		t.Fatalf("%q submitted (%q)", code, why)
	}
	if strings.Contains(why, "7317") {
		t.Fatalf("the refusal repeats the code: %q", why)
	}
	if codeinput.CheckCode("000000") != "" || codeinput.CheckCode("12 34") == "" {
		t.Fatal("CheckCode disagrees with Submit")
	}
	c.Reset()
	if c.Value() != "" {
		t.Fatalf("reset leaves %q", c.Value())
	}
	if got := codeinput.Attempts(2); got != "Attempts left: 2" {
		t.Fatalf("attempts worded %q", got)
	}
}

// A blurred field types nothing.
func TestABlurredFieldTypesNothing(t *testing.T) {
	c := field("1")
	c.Blur()
	for _, msg := range uitest.Keys("2", "3") {
		c.Update(msg)
	}
	if got := c.Value(); got != "1" {
		t.Fatalf("typed into a blurred field: %q", got)
	}
}
