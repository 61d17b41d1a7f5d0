package request_test

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/request"
)

// TestGoldenPasswordFormSixtyByTwenty: a password request form at 60×20
// after an empty enter: the errors on their fields, the focus on the
// first, the secret fields masked.
func TestGoldenPasswordFormSixtyByTwenty(t *testing.T) {
	ctx := newCtx()
	ctx.Width, ctx.Height = 60, 20
	p := request.New(ctx, form.New(client.GrantPassword, map[string]string{form.FBaseURL: base, form.FClientSecret: "s3cret"}, true, 58), request.Setup{})
	uitest.Press(p, "enter")
	golden.RequireEqual(t, []byte(uitest.Screen(p, 58, 20)))
}
