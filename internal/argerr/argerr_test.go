package argerr

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"all", New("from", `"x" is not a date`, "use yyyy-mm-dd"), "invalid argument `from`: \"x\" is not a date. Fix: use yyyy-mm-dd"},
		{"no fix", New("hub", "is empty", ""), "invalid argument `hub`: is empty"},
		{"no arg", New("", "no such file: /x", "give an absolute path"), "invalid argument: no such file: /x. Fix: give an absolute path"},
		{"joined names", New("a`, `b", "is required", ""), "invalid argument `a`, `b`: is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q\nwant      %q", got, tc.want)
			}
			var e *Error
			if !errors.As(tc.err, &e) {
				t.Errorf("New returned %T, want *Error", tc.err)
			}
		})
	}
}

func TestNamed(t *testing.T) {
	unnamed := &Error{Problem: "no such file: /x", Fix: "give an absolute path"}
	other := errors.New("network down")
	wrapped := fmt.Errorf("upload: %w", unnamed)
	for _, tc := range []struct {
		name string
		err  error
		want string // "" means nil
		same bool   // the very same error comes back
	}{
		{"fills", unnamed, "invalid argument `file_path`: no such file: /x. Fix: give an absolute path", false},
		{"keeps a name", New("sample_rate", "must be positive", ""), "invalid argument `sample_rate`: must be positive", true},
		{"other error", other, "network down", true},
		{"wrapped", wrapped, "upload: invalid argument: no such file: /x. Fix: give an absolute path", true},
		{"nil", nil, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Named(tc.err, "file_path")
			if tc.want == "" {
				if got != nil {
					t.Fatalf("Named(nil) = %v", got)
				}
				return
			}
			if got.Error() != tc.want {
				t.Errorf("Named = %q\nwant    %q", got, tc.want)
			}
			if tc.same && got != tc.err {
				t.Errorf("Named returned a new error %#v, want the input", got)
			}
		})
	}
	if unnamed.Arg != "" {
		t.Errorf("Named modified its input: Arg = %q", unnamed.Arg)
	}
}
