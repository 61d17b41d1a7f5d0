package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Every command with --timeout refuses zero and negative values before
// doing anything (they meant no deadline).
func TestTimeoutMustBePositive(t *testing.T) {
	app := NewApp(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.Flags().Lookup("timeout") != nil {
			paths = append(paths, path)
		}
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
	}
	walk(app.rootCmd(), nil)
	if len(paths) < 6 {
		t.Fatalf("only %d commands with --timeout: %v", len(paths), paths)
	}
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": filepath.Join(t.TempDir(), "cfg")}
	for _, path := range paths {
		for _, v := range []string{"0s", "-1s", "0"} {
			args := append(append([]string{}, path...), "--timeout", v)
			if path[0] == "profile" {
				args = append(args, "x")
			}
			r := runCLI(t, env, "", args...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, "--timeout must be more than 0") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("%v: %+v", args, r)
			}
		}
	}
	if _, err := os.Stat(env["TOKENBENCH_CONFIG_DIR"]); err == nil {
		t.Error("a refused command wrote the config directory")
	}
}
