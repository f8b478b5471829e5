/**
 * A small, generic Chinese -> English glossary for cross-lingual matching.
 *
 * Many MCP servers describe their tools in Chinese while agents query in English (and the other
 * way round). Character bigrams make Chinese text searchable by Chinese queries only; this
 * glossary lets a Chinese description also answer the English words for its common concepts.
 * It is dictionary-level vocabulary of everyday software, media, commerce and travel topics,
 * written as a general glossary (like synonyms.ts), not from any benchmark's queries or answers.
 * Entries are matched as substrings of a CJK run, longest first; each match adds its English
 * words (stemmed like any other word) after the run's bigrams.
 */
const ENTRIES: ReadonlyArray<readonly [string, string]> = [
  // actions
  ['获取', 'get'], ['搜索', 'search'], ['查询', 'query search'], ['查找', 'find search'], ['查看', 'view'],
  ['列出', 'list'], ['列表', 'list'], ['推荐', 'recommend recommendation'], ['创建', 'create'],
  ['删除', 'delete'], ['更新', 'update'], ['修改', 'modify'], ['编辑', 'edit'], ['下载', 'download'],
  ['上传', 'upload'], ['翻译', 'translate'], ['转换', 'convert'], ['生成', 'generate'], ['分析', 'analyze analysis'],
  ['计算', 'calculate'], ['比较', 'compare'], ['对比', 'compare'], ['保存', 'save'], ['读取', 'read'],
  ['写入', 'write'], ['发送', 'send'], ['播放', 'play'], ['插入', 'insert'], ['复制', 'copy'],
  ['打开', 'open'], ['分享', 'share'], ['订阅', 'subscribe'], ['登录', 'login'], ['预订', 'book reserve'],
  ['购买', 'buy'], ['替换', 'replace'], ['导出', 'export'], ['导入', 'import'], ['统计', 'statistics'],
  ['监控', 'monitor'], ['提醒', 'remind'], ['总结', 'summary summarize'], ['摘要', 'summary abstract'],
  // news, media, rankings
  ['新闻', 'news'], ['资讯', 'news information'], ['快讯', 'news flash'], ['头条', 'headline'],
  ['热搜', 'trending hot search'], ['热榜', 'trending hot list'], ['热门', 'popular hot trending'],
  ['热点', 'hot topic trending'], ['趋势', 'trend'], ['流行', 'popular'], ['实时', 'real time'],
  ['最新', 'latest'], ['排行榜', 'ranking chart top'], ['排行', 'ranking'], ['排名', 'ranking rank'],
  ['榜单', 'ranking list'], ['文章', 'article'], ['视频', 'video'], ['音乐', 'music'], ['歌曲', 'song'],
  ['电影', 'movie film'], ['电视剧', 'tv series drama'], ['综艺', 'variety show'], ['动画', 'animation anime'],
  ['图书', 'book'], ['书籍', 'book'], ['小说', 'novel fiction'], ['阅读', 'reading read'], ['游戏', 'game gaming'],
  ['玩家', 'player gamer'], ['卡牌', 'card'], ['卡片', 'card'], ['角色', 'character role'], ['技能', 'skill'],
  ['攻略', 'guide strategy'], ['评测', 'review'], ['评论', 'review comment'], ['评分', 'rating score'],
  ['娱乐', 'entertainment'], ['体育', 'sports'], ['明星', 'celebrity star'], ['话题', 'topic'],
  ['问答', 'question answer'], ['讨论', 'discussion'], ['社区', 'community'], ['社交', 'social'],
  // society, economy, technology
  ['时政', 'politics current affairs'], ['政治', 'politics'], ['社会', 'society social'], ['国际', 'international world'],
  ['全球', 'global world'], ['国内', 'domestic china'], ['中国', 'china chinese'], ['健康', 'health'],
  ['医疗', 'medical health'], ['教育', 'education'], ['文化', 'culture'], ['历史', 'history'], ['艺术', 'art'],
  ['科学', 'science'], ['科技', 'technology tech'], ['技术', 'technology technical'], ['数码', 'digital gadget'],
  ['互联网', 'internet'], ['人工智能', 'ai artificial intelligence'], ['软件', 'software'], ['开发', 'development developer'],
  ['编程', 'programming'], ['代码', 'code'], ['前端', 'frontend'], ['后端', 'backend'], ['云计算', 'cloud computing'],
  ['架构', 'architecture'], ['财经', 'finance financial economy'], ['金融', 'finance financial'], ['经济', 'economy economic'],
  ['商业', 'business commerce'], ['创业', 'startup entrepreneurship'], ['投资', 'investment invest'],
  ['融资', 'financing funding'], ['股票', 'stock'], ['基金', 'fund'], ['市场', 'market'], ['公司', 'company'],
  ['价格', 'price'], ['汇率', 'exchange rate'], ['产品', 'product'], ['商品', 'product goods'], ['设备', 'device'],
  ['手机', 'phone mobile'], ['苹果', 'apple'], ['购物', 'shopping'], ['优惠', 'discount deal'], ['消费', 'consumer consumption'],
  ['清单', 'list'],
  // travel, places, time
  ['天气', 'weather'], ['温度', 'temperature'], ['地图', 'map'], ['位置', 'location'], ['地点', 'place location'],
  ['地址', 'address'], ['路线', 'route'], ['导航', 'navigation'], ['火车', 'train'], ['列车', 'train'],
  ['高铁', 'high speed train rail'], ['车票', 'ticket'], ['车站', 'station'], ['航班', 'flight'], ['机票', 'flight ticket'],
  ['酒店', 'hotel'], ['旅游', 'travel tourism'], ['旅行', 'travel trip'], ['城市', 'city'], ['餐厅', 'restaurant'],
  ['美食', 'food cuisine'], ['食物', 'food'], ['菜谱', 'recipe'], ['食谱', 'recipe'], ['菜品', 'dish'], ['菜肴', 'dish'],
  ['膳食', 'meal diet'], ['烹饪', 'cooking cook'], ['做饭', 'cooking cook'], ['食材', 'ingredient'], ['早餐', 'breakfast'],
  ['甜品', 'dessert'], ['饮品', 'drink beverage'], ['过敏', 'allergy'], ['日历', 'calendar'], ['黄历', 'almanac calendar'],
  ['农历', 'lunar calendar'], ['公历', 'gregorian solar calendar'], ['阳历', 'solar calendar'], ['日期', 'date'],
  ['时间', 'time'], ['今天', 'today'], ['每日', 'daily'], ['生日', 'birthday'], ['八字', 'bazi fortune'],
  ['运势', 'fortune horoscope'], ['星座', 'horoscope zodiac'],
  // documents, data, the web
  ['图片', 'image picture'], ['图像', 'image'], ['照片', 'photo'], ['文件', 'file'], ['文档', 'document'],
  ['目录', 'directory folder'], ['幻灯片', 'slide'], ['演示', 'presentation'], ['表格', 'table spreadsheet'],
  ['图表', 'chart'], ['文本', 'text'], ['内容', 'content'], ['信息', 'information info'], ['详情', 'details'],
  ['详细', 'detailed'], ['数据', 'data'], ['结果', 'result'], ['用户', 'user'], ['问题', 'question problem'],
  ['网页', 'web page webpage'], ['网站', 'website site'], ['链接', 'link url'], ['关键词', 'keyword'],
  ['标题', 'title'], ['名称', 'name'], ['分类', 'category'], ['标签', 'tag'], ['路径', 'path'], ['格式', 'format'],
  ['大小', 'size'], ['数量', 'count number'], ['语言', 'language'], ['英文', 'english'], ['中文', 'chinese'],
  ['随机', 'random'], ['邮件', 'email mail'], ['消息', 'message'], ['天文', 'astronomy'], ['地理', 'geography'],
];

const GLOSSARY: ReadonlyMap<string, readonly string[]> = new Map(ENTRIES.map(([zh, en]) => [zh, en.split(/\s+/)]));
const MAX_KEY = Math.max(...ENTRIES.map(([zh]) => Array.from(zh).length));
const MIN_KEY = Math.min(...ENTRIES.map(([zh]) => Array.from(zh).length));

/** English words for the glossary entries found in one CJK run (leftmost-longest, non-overlapping). */
export function glossCjk(run: string): string[] {
  const chars = Array.from(run);
  const out: string[] = [];
  for (let i = 0; i < chars.length; ) {
    let matched = 0;
    for (let len = Math.min(MAX_KEY, chars.length - i); len >= MIN_KEY; len--) {
      const words = GLOSSARY.get(chars.slice(i, i + len).join(''));
      if (words) {
        out.push(...words);
        matched = len;
        break;
      }
    }
    i += matched || 1;
  }
  return out;
}
