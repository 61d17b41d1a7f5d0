package bundle

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// mdPieces are what GFM builds links and emphasis from.
var mdPieces = []string{"www.", "WWW.", "http", "https", "://", ":", "/", "@", "_", "__", "*", "**", "~", "~~", "(", ")", ".", "-",
	"evil", "example", "com", "a", "b", "1", " ", "mailto:", "x", "é", "[", "]", "!", "<", ">", "`", "\\", "&amp;", "#"}

var liveMarkup = regexp.MustCompile(`<(a|img|strong|em|del|code|script|b)[ >]`)

// inert reports whether md(s), on a list line and in a table cell as
// summary.md puts it, renders (GFM, raw HTML on) as text only, and keeps
// every letter of s.
func inert(t *testing.T, gm goldmark.Markdown, s string) {
	t.Helper()
	line := md(s)
	doc := "- value: " + line + "\n\n| k | v |\n|---|---|\n| key | " + line + " |\n"
	var out bytes.Buffer
	if err := gm.Convert([]byte(doc), &out); err != nil {
		t.Fatal(err)
	}
	if m := liveMarkup.FindString(out.String()); m != "" {
		t.Fatalf("md(%q) = %q renders %s:\n%s", s, line, m, out.String())
	}
	for _, w := range []string{"evil", "example", "www", "http"} {
		if strings.Count(strings.ToLower(s), w) > 0 && !strings.Contains(strings.ToLower(out.String()), w) {
			t.Fatalf("md(%q) lost %q:\n%s", s, w, out.String())
		}
	}
}

func newGM() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
}

func randomMD(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(14) {
		b.WriteString(mdPieces[r.IntN(len(mdPieces))])
	}
	return b.String()
}

// Property: random mixes of autolink and emphasis starters never render
// live markup once through md.
func TestMDIsInertForRandomAutolinkAndEmphasisMixes(t *testing.T) {
	gm := newGM()
	r := rand.New(rand.NewPCG(18, 4))
	for range 20000 {
		inert(t, gm, randomMD(r))
	}
	for _, s := range []string{"_www.evil.example", "x_www.evil.example", "*www.evil.example*", "~www.evil.example~", "(www.evil.example)",
		"**bold**", "__bold__", "a*b*c", "~~s~~", "_e_", "http://evil.example", "spy@evil.example", "client_credentials"} {
		inert(t, gm, s)
	}
	if got := md("client_credentials invalid_grant"); got != "client_credentials invalid_grant" {
		t.Errorf("an underscore inside a word is escaped: %q", got)
	}
}

func FuzzMDIsInert(f *testing.F) {
	for _, s := range []string{"_www.evil.example", "**bold**", "a_b _c_ ~~d~~", "https://x.example @y"} {
		f.Add(s)
	}
	gm := newGM()
	f.Fuzz(func(t *testing.T, s string) { inert(t, gm, s) })
}
