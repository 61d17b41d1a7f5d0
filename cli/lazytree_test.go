package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The command tree built for one command line (the root and the command it
// runs) answers every command line exactly as the whole tree does: output,
// errors, suggestions, help and exit codes.
func TestLazyTreeBehavesAsTheWholeTree(t *testing.T) {
	tok := unsignedJWT(fmt.Sprintf(`{"sub":"lazy","iss":"https://auth.dintero.com","exp":%d}`, fixedNow.Add(time.Hour).Unix()))
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": filepath.Join(t.TempDir(), "env-cfg")}
	lines := [][]string{
		{"decode", tok},
		{"decode", "--json", tok},
		{"--config-dir", dir, "decode", tok},
		{"--config-dir=" + dir, "decode", tok},
		{"decode", "--config-dir", dir, tok},
		{"decode", "-", "--json"},
		{"decode", "a", "b"},
		{"decode", "--bogus", tok},
		{"decode", "--version"},
		{"decode", "--timeout", "0", tok},
		{"decode", "--help"},
		{"decode", "-h"},
		{"decode", "help"},
		{"decode", "--", tok},
		{"help", "decode"},
		{"--config-dir", dir, "help", "decode"},
		{"help"},
		{"help", "nope"},
		{"--help"},
		{"-h"},
		{"--version"},
		{"version"},
		{"version", "extra"},
		{"decod", tok},
		{"nope"},
		{"profil", "list"},
		{"--config-dir", dir, "decod", tok},
		{"--config-dir"},
		{"--config-dir", dir},
		{"--bogus", "decode", tok},
		{"completion", "bash"},
		{"__complete", "de"},
		{"__complete", "decode", "--j"},
		{"profile", "list"},
		{"--config-dir", dir, "profile", "list"},
		{"profile", "lst"},
		{"profile", "--help"},
		{"profile", "show", "missing"},
		{"profile", "export", "-"},
		{"exec", "--help"},
		{"exec"},
		{"token", "--help"},
		{"token", "--timeout", "0s"},
		{"doctor", "--help"},
		{"recover", "--help"},
		{"revoke", "--help"},
		{"demo", "--help"},
		{"demo", "extra"},
		{"", "decode"},
	}
	for _, args := range lines {
		var got [2]run
		for i, all := range []bool{false, true} {
			var out, errOut bytes.Buffer
			app := NewApp(strings.NewReader(tok+"\n"), &out, &errOut)
			app.env.getenv = func(k string) string { return env[k] }
			app.env.isTerminal = func() bool { return false }
			app.now = func() time.Time { return fixedNow }
			app.allCommands = all
			code := app.Run(context.Background(), args)
			got[i] = run{code, out.String(), errOut.String()}
		}
		if got[0] != got[1] {
			t.Errorf("%q:\none command: %+v\nall of them: %+v", args, got[0], got[1])
		}
	}
	// And the short tree is what these lines get.
	for _, args := range [][]string{{"decode", tok}, {"--config-dir", dir, "decode", tok}, {"--config-dir=" + dir, "profile", "list"}} {
		app := NewApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		if n := len(app.rootCmd(args).Commands()); n != 1 {
			t.Errorf("%q: %d commands built, want 1", args, n)
		}
	}
	// An unknown command is still refused, with exit 2, and the command
	// meant is suggested from the whole tree.
	r := runCLI(t, env, "", "decod", tok)
	if r.code != ExitUsage || r.stderr != "error: unknown command \"decod\" for tokenbench; did you mean decode or demo?\n" {
		t.Errorf("decod: %+v", r)
	}
	r = runCLI(t, env, "", "help", "decode")
	if r.code != 0 || !strings.Contains(r.stdout, "tokenbench decode [TOKEN|-]") || !strings.Contains(r.stdout, "--config-dir") {
		t.Errorf("help decode: %+v", r)
	}
}
