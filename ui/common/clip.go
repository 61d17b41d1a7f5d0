package common

// Clipboard puts text where the user can paste it.
type Clipboard interface {
	// Copy writes text and says which way it went ("system clipboard",
	// "tmux buffer" or "OSC 52") and any caveat worth showing.
	Copy(text string) (via, caveat string, err error)
	// ClearIf empties every place the copy of text went, if it still
	// holds text, and says place by place what came of it.
	ClearIf(text string) (Cleared, error)
}

// Cleared is what clearing a copy came to, place by place ("tmux
// buffers", "your terminal's clipboard").
type Cleared struct {
	// Checked were emptied and read back (or deleted): the text is gone.
	Checked []string
	// Blind were overwritten without a way to read them back.
	Blind []string
	// Left may still hold the text, each with why it could not be cleared.
	Left []string
}
