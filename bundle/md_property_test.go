package bundle

import (
	"bytes"
	stdhtml "html"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/textsafe"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// mdPieces are what GFM builds links and emphasis from.
var mdPieces = []string{"www.", "WWW.", "http", "https", "://", ":", "/", "@", "_", "__", "*", "**", "~", "~~", "(", ")", ".", "-",
	"evil", "example", "com", "a", "b", "1", " ", "mailto:", "x", "é", "[", "]", "!", "<", ">", "`", "\\", "&amp;", "#",
	"&", "&#x202E;", "&#8238;", "&#27;", "&#X41;", "&lt;", "&rlm;", "&nbsp;", ";", "$", "$$", "smile", "+1", "\\(", "\\["}

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
	// A character reference or an entity renders as its characters, never
	// as the character it names (a right-to-left override, an escape):
	// every character of the rendered text is one of s (as sanitised) or
	// of the document around it.
	own := map[rune]bool{}
	for _, c := range textsafe.Sanitize(s) + doc {
		own[c] = true
	}
	text := stdhtml.UnescapeString(tags.ReplaceAllString(out.String(), ""))
	for _, c := range text {
		if !own[c] && c != '\n' {
			t.Fatalf("md(%q) = %q renders %U, which s does not hold:\n%s", s, line, c, out.String())
		}
	}
	// GitHub's math ($x$, $$x$$) and emoji shortcodes (:smile:) are
	// inert: every '$', and every ':' that opens a shortcode, is
	// backslash-escaped (GFM renders neither, so it is checked on md's
	// output).
	if m := liveMathOrEmoji(line); m != "" {
		t.Fatalf("md(%q) = %q leaves %q live", s, line, m)
	}
	for _, w := range []string{"evil", "example", "www", "http"} {
		if strings.Count(strings.ToLower(s), w) > 0 && !strings.Contains(strings.ToLower(out.String()), w) {
			t.Fatalf("md(%q) lost %q:\n%s", s, w, out.String())
		}
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// liveMathOrEmoji is the first '$', or ':' that opens a shortcode
// (:smile:; an escaped name character counts as one), in line that is not backslash-escaped ("" for none).
func liveMathOrEmoji(line string) string {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != '$' && !(c == ':' && liveShortcode(line[i+1:])) {
			continue
		}
		bs := 0
		for j := i - 1; j >= 0 && line[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			return line[max(0, i-8):min(len(line), i+8)]
		}
	}
	return ""
}

// liveShortcode: rest (what follows a ':') is a name and a ':', an
// escaped character counting as part of the name.
func liveShortcode(rest string) bool {
	j := 0
	for j < len(rest) {
		if isShortcodeChar(rest[j]) {
			j++
		} else if rest[j] == '\\' && j+1 < len(rest) && isShortcodeChar(rest[j+1]) {
			j += 2
		} else {
			break
		}
	}
	// Two digits are a clock's (21:53:00), which names no emoji (:100:
	// and :1234: do).
	clock := j == 2 && rest[0] >= '0' && rest[0] <= '9' && rest[1] >= '0' && rest[1] <= '9'
	return j > 0 && j < len(rest) && rest[j] == ':' && !clock
}

func isShortcodeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '+' || c == '-'
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
		"**bold**", "__bold__", "a*b*c", "~~s~~", "_e_", "http://evil.example", "spy@evil.example", "client_credentials",
		"&#x202E;rtl &#27;", "&#8238;x&#x1b;[31m", "&rlm;&lrm;&nbsp;&amp;lt;", "$x$", "$$\\sum$$", ":smile: :+1: a:b"} {
		inert(t, gm, s)
	}
	if got := md("client_credentials invalid_grant"); got != "client_credentials invalid_grant" {
		t.Errorf("an underscore inside a word is escaped: %q", got)
	}
}

func FuzzMDIsInert(f *testing.F) {
	for _, s := range []string{"_www.evil.example", "**bold**", "a_b _c_ ~~d~~", "https://x.example @y", "&#x202E;rtl &#27;", "$x$ :smile:"} {
		f.Add(s)
	}
	gm := newGM()
	f.Fuzz(func(t *testing.T, s string) { inert(t, gm, s) })
}
