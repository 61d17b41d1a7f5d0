package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// argsToRun are the arguments a command needs to get as far as its flags
// being used; commands not named take none.
var argsToRun = map[string][]string{
	"decode":            {"-"},
	"exec":              {"--", "true"},
	"profile add":       {"p"},
	"profile edit":      {"p"},
	"profile show":      {"p"},
	"profile rm":        {"p"},
	"profile rename":    {"p", "q"},
	"profile duplicate": {"p", "q"},
	"profile import":    {"missing.yaml"},
	"profile export":    {"-"},
	// Never the workbench or a server that waits: a bad address stops
	// demo before either.
	"demo": {"--addr", "not-an-address"},
}

// flagRefused is how a command refuses a flag as a flag: unknown to it,
// or one it lists but will not take.
func flagRefused(name string) *regexp.Regexp {
	return regexp.MustCompile(`unknown (shorthand )?flag|--` + regexp.QuoteMeta(name) + ` (is not kept|is not accepted|cannot be used)`)
}

// Issue 19 item 11: every command's --help lists exactly the flags it
// takes, every flag it names is one it has (or another command's, named
// with that command), and none of the flags it lists is refused.
func TestEveryCommandsHelpMatchesWhatItAccepts(t *testing.T) {
	tree := NewApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	tree.allCommands = true
	var cmds []*cobra.Command
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		cmds = append(cmds, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := tree.rootCmd(nil)
	// The commands cobra adds when it runs: help and completion.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walk(root)
	if len(cmds) < 18 {
		t.Fatalf("only %d commands in the tree", len(cmds))
	}
	flagLine := regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z0-9-]+)`)
	mention := regexp.MustCompile(`--([a-z][a-z0-9-]+)`)
	otherCommand := regexp.MustCompile(`tokenbench ([a-z]+)`)
	shellSubst := regexp.MustCompile(`\$\([^)]*\)`)
	kr := keyringtest.New()
	for _, c := range cmds {
		path := strings.Fields(c.CommandPath())[1:]
		name := strings.Join(path, " ")
		env := map[string]string{"TOKENBENCH_CONFIG_DIR": filepath.Join(t.TempDir(), "cfg")}
		help := runWithKeyring(t, kr, env, "", append(slices.Clone(path), "--help")...)
		if help.code != 0 || !strings.Contains(help.stdout, "Usage:") {
			t.Fatalf("%q --help: %+v", name, help)
		}
		// The flags listed are the flags it has and does not hide.
		var listed, want []string
		for _, m := range flagLine.FindAllStringSubmatch(help.stdout[strings.Index(help.stdout, "Usage:"):], -1) {
			listed = append(listed, m[1])
		}
		has := map[string]bool{"help": true} // cobra adds it when it runs
		want = append(want, "help")
		visit := func(f *pflag.Flag) {
			has[f.Name] = true
			if !f.Hidden {
				want = append(want, f.Name)
			}
		}
		c.LocalFlags().VisitAll(visit)
		c.InheritedFlags().VisitAll(visit)
		slices.Sort(listed)
		slices.Sort(want)
		if !slices.Equal(listed, slices.Compact(want)) {
			t.Errorf("%q --help lists %v; it takes %v", name, listed, want)
		}
		// Every --flag the help names is one of its own, unless the line
		// names another command it is for.
		for _, line := range strings.Split(help.stdout, "\n") {
			// $(brew --prefix): another program's flag.
			line = shellSubst.ReplaceAllString(line, "")
			for _, m := range mention.FindAllStringSubmatch(line, -1) {
				if has[m[1]] || childTakes(c, line, m[1]) {
					continue
				}
				if o := otherCommand.FindStringSubmatch(line); o != nil && (len(path) == 0 || o[1] != path[0]) {
					continue
				}
				t.Errorf("%q --help names --%s, which it does not take:\n  %s", name, m[1], line)
			}
		}
		if len(path) == 0 {
			continue // the root with a flag opens the workbench
		}
		// Each flag listed is taken: given, it may be wrong for the case,
		// but it is never refused as a flag.
		for _, flag := range listed {
			if flag == "help" {
				continue
			}
			f := c.Flags().Lookup(flag)
			arg := "--" + flag
			switch f.Value.Type() {
			case "bool":
			case "duration":
				arg += "=1s"
			default:
				// A path, so that flags naming files or directories
				// write nowhere but the test's own.
				arg += "=" + filepath.Join(t.TempDir(), "x")
			}
			args := append(slices.Clone(path), arg)
			args = append(args, argsToRun[name]...)
			env := map[string]string{"TOKENBENCH_CONFIG_DIR": filepath.Join(t.TempDir(), "cfg")}
			var out, errOut bytes.Buffer
			app := NewApp(strings.NewReader(""), &out, &errOut)
			app.env.getenv = func(k string) string { return env[k] }
			app.env.isTerminal = func() bool { return false }
			app.env.keyring = kr
			app.now = func() time.Time { return fixedNow }
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			code := app.Run(ctx, args)
			cancel()
			if flagRefused(flag).MatchString(errOut.String()) {
				t.Errorf("%v: %q --help lists --%s, which it refuses: exit %d, %s", args, name, flag, code, errOut.String())
			}
		}
	}
}

// childTakes reports whether line names a command under c that takes
// flag: "import  Add profiles from an export; --force replaces…".
func childTakes(c *cobra.Command, line, flag string) bool {
	words := strings.Fields(line)
	for _, sub := range c.Commands() {
		if slices.Contains(words, sub.Name()) && sub.Flags().Lookup(flag) != nil {
			return true
		}
	}
	return false
}
