package profiles

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tokenbench/tokenbench/textsafe"
)

// salvage reads a profiles file that does not parse as a whole entry by
// entry: yaml.v3 reports a broken block sequence at the line that opens it
// ("profiles:"), not at the entry that breaks it. It returns the profiles
// whose entries parse and check, and an error at the first broken entry's
// line, naming it; nil when the file cannot be split into entries (the
// whole file's error is then the one to show).
func salvage(path string, data []byte) ([]Profile, *ParseError) {
	lines := strings.SplitAfter(string(data), "\n")
	indent := func(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }
	content := func(l string) bool {
		t := strings.TrimSpace(l)
		return t != "" && !strings.HasPrefix(t, "#")
	}
	// The first entry: the first "-" line after "profiles:".
	first, entryIndent := -1, 0
	for i, l := range lines {
		if strings.TrimRight(l, " \r\n") != "profiles:" {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if content(lines[j]) {
				if t := strings.TrimLeft(lines[j], " "); t == "-\n" || strings.HasPrefix(t, "- ") {
					first, entryIndent = j, indent(lines[j])
				}
				break
			}
		}
		break
	}
	if first < 0 {
		return nil, nil
	}
	var head file
	dec := yaml.NewDecoder(strings.NewReader(strings.Join(lines[:first], "")))
	dec.KnownFields(true)
	if err := dec.Decode(&head); (err != nil && !errors.Is(err, io.EOF)) || head.Version != FormatVersion {
		return nil, nil
	}
	// Entries start at a "-" line indented as the first entry, or at any
	// line indented less (an entry appended at the wrong indentation).
	isDash := func(l string) bool {
		t := strings.TrimLeft(l, " ")
		return strings.HasPrefix(t, "- ") || strings.TrimSpace(t) == "-"
	}
	var starts []int
	for i := first; i < len(lines); i++ {
		if i == first || (content(lines[i]) && (indent(lines[i]) < entryIndent || indent(lines[i]) == entryIndent && isDash(lines[i]))) {
			starts = append(starts, i)
		}
	}
	var (
		ps          []Profile
		broken      []string
		bad         *ParseError
		firstReason string
		seen        = map[string]bool{}
	)
	for n, start := range starts {
		end := len(lines)
		if n+1 < len(starts) {
			end = starts[n+1]
		}
		line, reason := start+1, ""
		var entry []Profile
		dec := yaml.NewDecoder(strings.NewReader(strings.Join(lines[start:end], "")))
		dec.KnownFields(true)
		switch {
		case indent(lines[start]) != entryIndent || !isDash(lines[start]):
			reason = fmt.Sprintf("not a profile entry: the entries above start with \"- \" after %d spaces", entryIndent)
		default:
			if err := dec.Decode(&entry); err != nil {
				var at int
				reason, at = splitYAMLError(err)
				if at > 0 {
					line = start + at
				}
			} else if len(entry) != 1 {
				reason = "not one profile entry"
			} else if err := entry[0].check(); err != nil {
				reason = err.Error()
			} else if seen[entry[0].Name] {
				reason = fmt.Sprintf("profile name %q is used twice", entry[0].Name)
			}
		}
		if reason == "" {
			seen[entry[0].Name] = true
			ps = append(ps, entry[0])
			continue
		}
		name := entryName(lines[start])
		broken = append(broken, fmt.Sprintf("%s at line %d", name, line))
		if bad == nil {
			bad = &ParseError{Path: path, Line: line, Reason: fmt.Sprintf("profile %s: %s", name, reason)}
			firstReason = reason
		}
	}
	switch {
	case bad == nil:
		return nil, nil
	case len(ps) == 0 && len(broken) == 1:
		// The only entry: its line, in yaml's words.
		bad.Reason = textsafe.Sanitize(firstReason)
		return nil, bad
	}
	if len(broken) > 1 {
		bad.Reason += fmt.Sprintf(" (and %d more broken: %s)", len(broken)-1, strings.Join(broken[1:], ", "))
	}
	if len(ps) > 0 {
		bad.Reason += fmt.Sprintf("; the other %d profile(s) loaded", len(ps))
	}
	bad.Reason = textsafe.Sanitize(bad.Reason)
	return ps, bad
}

// entryName is the name a broken entry's first line gives, for the error.
func entryName(line string) string {
	t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "-"))
	if v, ok := strings.CutPrefix(t, "name:"); ok {
		if v = strings.Trim(strings.TrimSpace(v), `"'`); validName(v) {
			return v
		}
	}
	return "entry"
}
