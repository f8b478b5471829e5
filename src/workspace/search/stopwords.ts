/**
 * A generic English stop-word list: function words plus the politeness and request filler
 * ("please", "could", "help") that every conversational query carries. It is deliberately
 * domain-free: words like "tool", "get" or "file" stay indexed because IDF already discounts
 * them where they are common, and they do discriminate in catalogs where they are not.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been
  before being below between both but by can can't cannot could couldn't did didn't do does doesn't
  doing don't down during each either else etc even ever every few for from further had hadn't has
  hasn't have haven't having he he'd  he's her here here's hers herself him himself his how
  how's however i   i'm i've if in into is isn't it it's its itself just let let's like
  may maybe me might more most much must mustn't my myself need no nor not now of off often on once
  only or other ought our ours ourselves out over own per please quite rather really same shall
  shan't she   she's should shouldn't so some such than that that's the their theirs them
  themselves then there there's these they they'd they'll they're they've this those though through
  thus to too under until up upon us very via was wasn't we   we're we've were weren't what
  what's when when's where where's whether which while who who's whom whose why why's will with
  within without won't would wouldn't yet you you'd you'll you're you've your yours yourself
  yourselves hi hello hey thanks thank kindly want wants wanted wish would like  help assist
  tell know lets one ones something anything thing things way able`
    .split(/\s+/)
    // The tokenizer drops apostrophes ("don't" -> "dont"), so the list is matched in that form.
    .map((w) => w.replace(/'/g, ''))
    .filter((w) => w.length > 0),
);
