package cli

import (
	"context"
	"errors"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

type tuiConfig struct {
	demo *dinterotest.Server
}

func (app *App) runTUI(ctx context.Context, cfg tuiConfig) error {
	return errors.New("the interactive workbench is not built yet")
}
