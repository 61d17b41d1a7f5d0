package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/client/dinterotest"
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

// S8: a secret or grant_type as --param is refused, naming the proper
// flag or variable, and the value is not echoed.
func TestParamRefusesManagedFields(t *testing.T) {
	srv := fake(t)
	base := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}
	for key, want := range map[string]string{
		"password":      "TOKENBENCH_PASSWORD",
		"grant_type":    "--grant",
		"client_secret": "TOKENBENCH_CLIENT_SECRET",
		"refresh_token": "TOKENBENCH_REFRESH_TOKEN",
		"binding_code":  "--binding-code",
		"mfa_token":     "--mfa-token",
		"oob_code":      "--oob-code",
		"code":          "--code",
		"Password":      "TOKENBENCH_PASSWORD",
	} {
		r := runCLI(t, secretEnv, "", append(base, "--param", key+"=hunter2-value")...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "hunter2") || r.stdout != "" {
			t.Errorf("--param %s: %+v", key, r)
		}
	}
	if r := runCLI(t, secretEnv, "", append(base, "--param", "drift=yes")...); r.code != 0 {
		t.Errorf("an unmanaged field: %+v", r)
	}
}
