package toolkit

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

var errSample = errors.New("provider said no")

// The observer sees the handler's own error (its chain intact, for
// errors.As), schema refusals as argument errors, and nothing on success.
func TestErrorObserver(t *testing.T) {
	tool := sampleTool(func(ctx context.Context, c *Call, in sampleIn) (sampleOut, string, error) {
		if in.Name == "fail" {
			return sampleOut{}, "", errSample
		}
		return sampleOut{Echo: in.Name}, "", nil
	})
	cases := []struct {
		args    string
		wantErr error
		wantArg bool
	}{
		{`{"name":"ok"}`, nil, false},
		{`{"name":"fail"}`, errSample, false},
		{`{}`, nil, true},
	}
	for _, c := range cases {
		var seen []error
		ctx := WithErrorObserver(context.Background(), func(err error) { seen = append(seen, err) })
		env := testEnv()
		tool.Run(ctx, env.NewCall(ctx, nil), json.RawMessage(c.args))
		var ae *argerr.Error
		switch {
		case c.wantErr == nil && !c.wantArg && len(seen) != 0:
			t.Errorf("%s: observed %v on success", c.args, seen)
		case c.wantErr != nil && (len(seen) != 1 || !errors.Is(seen[0], c.wantErr)):
			t.Errorf("%s: observed %v, want %v", c.args, seen, c.wantErr)
		case c.wantArg && (len(seen) != 1 || !errors.As(seen[0], &ae)):
			t.Errorf("%s: observed %v, want an argument error", c.args, seen)
		}
	}
	// No observer: nothing to call, no panic.
	env := testEnv()
	tool.Run(context.Background(), env.NewCall(context.Background(), nil), json.RawMessage(`{"name":"fail"}`))
}
