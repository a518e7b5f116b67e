package inbox

// lenPage is how many events Len reads per List call.
const lenPage = 1000

// Len is the number of stored events (the metrics gauge reads it). It pages
// through List, so it holds the inbox's lock for one page at a time.
func (b *Inbox) Len() int {
	if b == nil {
		return 0
	}
	n := 0
	var after int64
	for {
		evs, more := b.List(Filter{AfterSeq: after, Limit: lenPage})
		n += len(evs)
		if !more || len(evs) == 0 {
			return n
		}
		after = evs[len(evs)-1].Seq
	}
}
