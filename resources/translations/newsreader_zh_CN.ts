<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>MainWindow</name>
    <message>
      <source>Search articles</source>
      <translation>搜索文章</translation>
    </message>
    <message>
      <source>Search  ( / )</source>
      <translation>搜索（/）</translation>
    </message>
    <message>
      <source>Headlines</source>
      <translation>标题列表</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <source>&amp;Article</source>
      <translation>文章(&amp;A)</translation>
    </message>
    <message>
      <source>&amp;Subscriptions</source>
      <translation>订阅(&amp;S)</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <source>Main</source>
      <translation>主工具栏</translation>
    </message>
    <message>
      <source>Main toolbar</source>
      <translation>主工具栏</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Sync progress</source>
      <translation>同步进度</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Cancel sync</source>
      <translation>取消同步</translation>
    </message>
    <message>
      <source>Sync this feed</source>
      <translation>同步此订阅源</translation>
    </message>
    <message>
      <source>No more unread articles</source>
      <translation>没有更多未读文章</translation>
    </message>
    <message>
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <source>cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <source>Welcome to Newsreader</source>
      <translation>欢迎使用新闻阅读器</translation>
    </message>
    <message>
      <source>Import OPML</source>
      <translation>导入 OPML</translation>
    </message>
    <message>
      <source>OPML files (*.opml *.xml);;All files (*)</source>
      <translation>OPML 文件 (*.opml *.xml);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Import failed: %1</source>
      <translation>导入失败：%1</translation>
    </message>
    <message>
      <source>Export OPML</source>
      <translation>导出 OPML</translation>
    </message>
    <message>
      <source>OPML files (*.opml)</source>
      <translation>OPML 文件 (*.opml)</translation>
    </message>
    <message>
      <source>Rename</source>
      <translation>重命名</translation>
    </message>
    <message>
      <source>Name:</source>
      <translation>名称：</translation>
    </message>
    <message>
      <source>Move to folder</source>
      <translation>移动到文件夹</translation>
    </message>
    <message>
      <source>Folder (a/b for nested, empty for none):</source>
      <translation>文件夹（用 a/b 表示嵌套，留空表示无）：</translation>
    </message>
    <message>
      <source>Deleted “%1”</source>
      <translation>已删除“%1”</translation>
    </message>
    <message>
      <source>About Newsreader</source>
      <translation>关于新闻阅读器</translation>
    </message>
    <message>
      <source>An offline-first news reader for English and Chinese news.</source>
      <translation>离线优先的中英文新闻阅读器。</translation>
    </message>
    <message>
      <source>(untitled)</source>
      <translation>（无标题）</translation>
    </message>
    <message numerus="yes">
      <source>%n unread</source>
      <translation>
        <numerusform>%n 篇未读</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n new</source>
      <translation>
        <numerusform>%n 篇新文章</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n feed(s) failed</source>
      <translation>
        <numerusform>%n 个订阅源失败</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Imported %n feed(s)</source>
      <translation>
        <numerusform>已导入 %n 个订阅源</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Exported %n feed(s)</source>
      <translation>
        <numerusform>已导出 %n 个订阅源</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Marked %n article(s) as read</source>
      <translation>
        <numerusform>已将 %n 篇文章标为已读</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Newsreader — %n unread</source>
      <translation>
        <numerusform>新闻阅读器 — %n 篇未读</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n new article(s)</source>
      <translation>
        <numerusform>%n 篇新文章</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Syncing 0 of %n feed(s)…</source>
      <translation>
        <numerusform>正在同步 %n 个订阅源中的第 0 个…</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Syncing %1 of %n feed(s) · %3</source>
      <translation>
        <numerusform>正在同步第 %1 / %n 个订阅源 · %3</numerusform>
      </translation>
    </message>
    <message>
      <source>Search all articles</source>
      <translation>搜索全部文章</translation>
    </message>
    <message>
      <source>No related articles</source>
      <translation>没有相关内容</translation>
    </message>
  </context>
  <context>
    <name>EmptyState</name>
    <message>
      <source>No subscriptions yet</source>
      <translation>还没有订阅</translation>
    </message>
    <message>
      <source>Add a feed or a website, import an OPML file from another reader,
or start with a few suggested news sources in English and Chinese.</source>
      <translation>添加订阅源或网站，从其他阅读器导入 OPML 文件，
或者从几个推荐的中英文新闻源开始。</translation>
    </message>
    <message>
      <source>Add feed…</source>
      <translation>添加订阅源…</translation>
    </message>
    <message>
      <source>Import OPML…</source>
      <translation>导入 OPML…</translation>
    </message>
    <message>
      <source>Use suggested feeds</source>
      <translation>使用推荐的订阅源</translation>
    </message>
  </context>
  <context>
    <name>ArticleView</name>
    <message>
      <source>Article</source>
      <translation>文章</translation>
    </message>
  </context>
  <context>
    <name>HeadlineView</name>
    <message>
      <source>Headlines</source>
      <translation>标题列表</translation>
    </message>
  </context>
  <context>
    <name>SubscriptionsView</name>
    <message>
      <source>Subscriptions</source>
      <translation>订阅</translation>
    </message>
  </context>
  <context>
    <name>UndoToast</name>
    <message>
      <source>Notification</source>
      <translation>通知</translation>
    </message>
    <message>
      <source>Undo</source>
      <translation>撤销</translation>
    </message>
  </context>
  <context>
    <name>SyncController</name>
    <message>
      <source>The sync process stopped unexpectedly (%1)</source>
      <translation>同步进程意外停止（%1）</translation>
    </message>
  </context>
  <context>
    <name>Dialogs</name>
    <message numerus="yes">
      <source>%n article(s)</source>
      <translation>
        <numerusform>%n 篇文章</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Found %n feed(s).</source>
      <translation>
        <numerusform>找到 %n 个订阅源。</numerusform>
      </translation>
    </message>
    <message>
      <source>not synced yet</source>
      <translation>尚未同步</translation>
    </message>
    <message>
      <source>OK</source>
      <translation>正常</translation>
    </message>
    <message>
      <source>error</source>
      <translation>错误</translation>
    </message>
    <message>
      <source>gone (HTTP 410)</source>
      <translation>已失效（HTTP 410）</translation>
    </message>
  </context>
  <context>
    <name>AddFeedDialog</name>
    <message>
      <source>Unexpected error: %1</source>
      <translation>意外错误：%1</translation>
    </message>
    <message>
      <source>Add feed</source>
      <translation>添加订阅源</translation>
    </message>
    <message>
      <source>https://example.com/feed.xml  or  example.com</source>
      <translation>https://example.com/feed.xml 或 example.com</translation>
    </message>
    <message>
      <source>Feed or website address</source>
      <translation>订阅源或网站地址</translation>
    </message>
    <message>
      <source>Address:</source>
      <translation>地址：</translation>
    </message>
    <message>
      <source>Find feeds</source>
      <translation>查找订阅源</translation>
    </message>
    <message>
      <source>Feeds found</source>
      <translation>找到的订阅源</translation>
    </message>
    <message>
      <source>Feeds:</source>
      <translation>订阅源：</translation>
    </message>
    <message>
      <source>Folder:</source>
      <translation>文件夹：</translation>
    </message>
    <message>
      <source>Subscribe</source>
      <translation>订阅</translation>
    </message>
    <message>
      <source>Looking for feeds…</source>
      <translation>正在查找订阅源…</translation>
    </message>
  </context>
  <context>
    <name>FeedPropertiesDialog</name>
    <message>
      <source>Feed properties</source>
      <translation>订阅源属性</translation>
    </message>
    <message>
      <source>Address:</source>
      <translation>地址：</translation>
    </message>
    <message>
      <source>Default</source>
      <translation>默认</translation>
    </message>
    <message>
      <source> min</source>
      <translation> 分钟</translation>
    </message>
    <message>
      <source>Check every:</source>
      <translation>检查间隔：</translation>
    </message>
    <message>
      <source>Leave empty to detect the encoding automatically</source>
      <translation>留空以自动检测编码</translation>
    </message>
    <message>
      <source>Encoding:</source>
      <translation>编码：</translation>
    </message>
    <message>
      <source>Last status:</source>
      <translation>上次状态：</translation>
    </message>
    <message>
      <source>Last error:</source>
      <translation>上次错误：</translation>
    </message>
    <message>
      <source>Last success:</source>
      <translation>上次成功：</translation>
    </message>
    <message>
      <source>Full article</source>
      <translation>全文</translation>
    </message>
    <message>
      <source>Full article:</source>
      <translation>全文：</translation>
    </message>
    <message>
      <source>Automatic</source>
      <translation>自动</translation>
    </message>
    <message>
      <source>Always fetch</source>
      <translation>总是获取</translation>
    </message>
    <message>
      <source>Never</source>
      <translation>从不</translation>
    </message>
    <message>
      <source>Fetch the article's web page for offline reading. Automatic: only when the feed sends a summary instead of the whole article.</source>
      <translation>获取文章网页以便离线阅读。自动：仅当订阅源只提供摘要而非全文时获取。</translation>
    </message>
    <message>
      <source>Download images for offline reading</source>
      <translation>下载图片以便离线阅读</translation>
    </message>
  </context>
  <context>
    <name>FeedHealthDialog</name>
    <message>
      <source>Feed health</source>
      <translation>订阅源健康状况</translation>
    </message>
    <message>
      <source>Feed</source>
      <translation>订阅源</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>HTTP</source>
      <translation>HTTP</translation>
    </message>
    <message>
      <source>Last success</source>
      <translation>上次成功</translation>
    </message>
    <message>
      <source>Next check</source>
      <translation>下次检查</translation>
    </message>
    <message>
      <source>Message</source>
      <translation>消息</translation>
    </message>
  </context>
  <context>
    <name>ShortcutsDialog</name>
    <message>
      <source>Keyboard shortcuts</source>
      <translation>键盘快捷键</translation>
    </message>
    <message>
      <source>Keys</source>
      <translation>按键</translation>
    </message>
    <message>
      <source>Action</source>
      <translation>操作</translation>
    </message>
    <message>
      <source>  or  </source>
      <translation> 或 </translation>
    </message>
  </context>
  <context>
    <name>PreferencesDialog</name>
    <message>
      <source>Preferences</source>
      <translation>首选项</translation>
    </message>
    <message>
      <source>Sync when the app starts</source>
      <translation>启动时同步</translation>
    </message>
    <message>
      <source>Never</source>
      <translation>从不</translation>
    </message>
    <message>
      <source> min</source>
      <translation> 分钟</translation>
    </message>
    <message>
      <source>Sync every:</source>
      <translation>同步间隔：</translation>
    </message>
    <message>
      <source>Keep forever</source>
      <translation>永久保留</translation>
    </message>
    <message>
      <source> days</source>
      <translation> 天</translation>
    </message>
    <message>
      <source>Keep read articles:</source>
      <translation>已读文章保留：</translation>
    </message>
    <message>
      <source>Immediately</source>
      <translation>立即</translation>
    </message>
    <message>
      <source>Mark read after:</source>
      <translation>标为已读的延迟：</translation>
    </message>
    <message>
      <source>General</source>
      <translation>常规</translation>
    </message>
    <message>
      <source>Action</source>
      <translation>操作</translation>
    </message>
    <message>
      <source>Keys</source>
      <translation>按键</translation>
    </message>
    <message>
      <source>New shortcut</source>
      <translation>新快捷键</translation>
    </message>
    <message>
      <source>Assign</source>
      <translation>设定</translation>
    </message>
    <message>
      <source>Reset to default</source>
      <translation>恢复默认</translation>
    </message>
    <message>
      <source>New keys:</source>
      <translation>新按键：</translation>
    </message>
    <message>
      <source>Shortcuts</source>
      <translation>快捷键</translation>
    </message>
    <message>
      <source>Saved.</source>
      <translation>已保存。</translation>
    </message>
    <message>
      <source>Theme</source>
      <translation>主题</translation>
    </message>
    <message>
      <source>Theme:</source>
      <translation>主题：</translation>
    </message>
    <message>
      <source>System</source>
      <translation>跟随系统</translation>
    </message>
    <message>
      <source>Light</source>
      <translation>浅色</translation>
    </message>
    <message>
      <source>Dark</source>
      <translation>深色</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <source>Language:</source>
      <translation>语言：</translation>
    </message>
    <message>
      <source>Restart Newsreader to use the new language.</source>
      <translation>重新启动新闻阅读器后使用新的语言。</translation>
    </message>
    <message>
      <source>Reading a hot story marks its other sources read</source>
      <translation>阅读热点新闻时，将其他来源的同一报道标为已读</translation>
    </message>
    <message>
      <source>Offline reading</source>
      <translation>离线阅读</translation>
    </message>
    <message>
      <source>Download full text and images for offline reading</source>
      <translation>下载全文和图片以便离线阅读</translation>
    </message>
    <message>
      <source>Each feed can turn them off in its Feed properties.</source>
      <translation>每个订阅源可在其“订阅源属性”中单独关闭。</translation>
    </message>
    <message>
      <source>Cache</source>
      <translation>缓存</translation>
    </message>
    <message>
      <source>Cache size</source>
      <translation>缓存大小</translation>
    </message>
    <message>
      <source>Size:</source>
      <translation>大小：</translation>
    </message>
    <message>
      <source>Cache limit</source>
      <translation>缓存上限</translation>
    </message>
    <message>
      <source>Cache limit unit</source>
      <translation>缓存上限单位</translation>
    </message>
    <message>
      <source>Limit:</source>
      <translation>上限：</translation>
    </message>
    <message>
      <source>Over the limit, the images and full texts read longest ago go first.</source>
      <translation>超出上限时，最早读过的文章的图片和全文最先删除。</translation>
    </message>
    <message>
      <source>Clear cache…</source>
      <translation>清除缓存…</translation>
    </message>
    <message>
      <source>Delete all cached full texts and images (%1)? This cannot be undone. Articles keep the content their feeds sent; new articles are cached again.</source>
      <translation>删除所有缓存的全文和图片（%1）？此操作无法撤销。文章保留订阅源提供的内容；新文章会重新缓存。</translation>
    </message>
    <message>
      <source>Delete cached content</source>
      <translation>删除缓存内容</translation>
    </message>
    <message>
      <source>Keep it</source>
      <translation>保留</translation>
    </message>
    <message>
      <source>Measuring…</source>
      <translation>正在计算…</translation>
    </message>
    <message>
      <source>Clearing the cache…</source>
      <translation>正在清除缓存…</translation>
    </message>
    <message>
      <source>Cache cleared: %1 freed.</source>
      <translation>缓存已清除：释放了 %1。</translation>
    </message>
    <message>
      <source>The cache could not be read: %1</source>
      <translation>无法读取缓存：%1</translation>
    </message>
  </context>
  <context>
    <name>Actions</name>
    <message>
      <source>Sync now</source>
      <translation>立即同步</translation>
    </message>
    <message>
      <source>Cancel sync</source>
      <translation>取消同步</translation>
    </message>
    <message>
      <source>Add feed…</source>
      <translation>添加订阅源…</translation>
    </message>
    <message>
      <source>Import OPML…</source>
      <translation>导入 OPML…</translation>
    </message>
    <message>
      <source>Export OPML…</source>
      <translation>导出 OPML…</translation>
    </message>
    <message>
      <source>Add suggested feeds</source>
      <translation>添加推荐的订阅源</translation>
    </message>
    <message>
      <source>Preferences…</source>
      <translation>首选项…</translation>
    </message>
    <message>
      <source>Quit</source>
      <translation>退出</translation>
    </message>
    <message>
      <source>Next article</source>
      <translation>下一篇文章</translation>
    </message>
    <message>
      <source>Previous article</source>
      <translation>上一篇文章</translation>
    </message>
    <message>
      <source>Next unread article</source>
      <translation>下一篇未读文章</translation>
    </message>
    <message>
      <source>Previous unread article</source>
      <translation>上一篇未读文章</translation>
    </message>
    <message>
      <source>Scroll article / next unread</source>
      <translation>滚动文章 / 下一篇未读</translation>
    </message>
    <message>
      <source>Scroll article back</source>
      <translation>向上滚动文章</translation>
    </message>
    <message>
      <source>Open in browser</source>
      <translation>在浏览器中打开</translation>
    </message>
    <message>
      <source>Toggle read</source>
      <translation>切换已读</translation>
    </message>
    <message>
      <source>Toggle star</source>
      <translation>切换星标</translation>
    </message>
    <message>
      <source>Mark all as read</source>
      <translation>全部标为已读</translation>
    </message>
    <message>
      <source>Undo</source>
      <translation>撤销</translation>
    </message>
    <message>
      <source>Search</source>
      <translation>搜索</translation>
    </message>
    <message>
      <source>Focus subscriptions</source>
      <translation>聚焦订阅列表</translation>
    </message>
    <message>
      <source>Focus headlines</source>
      <translation>聚焦标题列表</translation>
    </message>
    <message>
      <source>Focus article</source>
      <translation>聚焦文章</translation>
    </message>
    <message>
      <source>Go to Hot news</source>
      <translation>转到热点新闻</translation>
    </message>
    <message>
      <source>Go to All articles</source>
      <translation>转到全部文章</translation>
    </message>
    <message>
      <source>Go to Unread</source>
      <translation>转到未读</translation>
    </message>
    <message>
      <source>Go to Starred</source>
      <translation>转到星标</translation>
    </message>
    <message>
      <source>Zoom in</source>
      <translation>放大</translation>
    </message>
    <message>
      <source>Zoom out</source>
      <translation>缩小</translation>
    </message>
    <message>
      <source>Reset zoom</source>
      <translation>重置缩放</translation>
    </message>
    <message>
      <source>Rename…</source>
      <translation>重命名…</translation>
    </message>
    <message>
      <source>Move to folder…</source>
      <translation>移动到文件夹…</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Properties…</source>
      <translation>属性…</translation>
    </message>
    <message>
      <source>Feed health…</source>
      <translation>订阅源健康状况…</translation>
    </message>
    <message>
      <source>Keyboard shortcuts</source>
      <translation>键盘快捷键</translation>
    </message>
    <message>
      <source>About Newsreader</source>
      <translation>关于新闻阅读器</translation>
    </message>
    <message>
      <source>{key} is already bound to “{other}”</source>
      <translation>{key} 已绑定到“{other}”</translation>
    </message>
    <message>
      <source>Search all articles</source>
      <translation>搜索全部文章</translation>
    </message>
    <message>
      <source>Show the story's other sources</source>
      <translation>展开该新闻的其他来源</translation>
    </message>
    <message>
      <source>Hide the story's other sources</source>
      <translation>收起该新闻的其他来源</translation>
    </message>
    <message>
      <source>Go to related articles</source>
      <translation>转到相关内容</translation>
    </message>
  </context>
  <context>
    <name>Subscriptions</name>
    <message>
      <source>Hot news</source>
      <translation>热点新闻</translation>
    </message>
    <message>
      <source>All articles</source>
      <translation>全部文章</translation>
    </message>
    <message>
      <source>Unread</source>
      <translation>未读</translation>
    </message>
    <message>
      <source>Starred</source>
      <translation>星标</translation>
    </message>
  </context>
  <context>
    <name>Headlines</name>
    <message>
      <source>unread</source>
      <translation>未读</translation>
    </message>
    <message>
      <source>read</source>
      <translation>已读</translation>
    </message>
    <message>
      <source>starred</source>
      <translation>已加星标</translation>
    </message>
    <message>
      <source>%1 sources</source>
      <translation>%1 个来源</translation>
    </message>
  </context>
  <context>
    <name>Article</name>
    <message>
      <source>image</source>
      <translation>图片</translation>
    </message>
    <message>
      <source>This article has no text in the feed.</source>
      <translation>订阅源中没有这篇文章的正文。</translation>
    </message>
    <message>
      <source>(untitled)</source>
      <translation>（无标题）</translation>
    </message>
    <message>
      <source>Related articles</source>
      <translation>相关内容</translation>
    </message>
  </context>
  <context>
    <name>ArticleMedia</name>
    <message>
      <source>Full text from %1</source>
      <translation>全文来自 %1</translation>
    </message>
    <message>
      <source>Show the feed’s version</source>
      <translation>显示订阅源版本</translation>
    </message>
    <message>
      <source>The feed’s version</source>
      <translation>订阅源版本</translation>
    </message>
    <message>
      <source>Show the full text from %1</source>
      <translation>显示来自 %1 的全文</translation>
    </message>
    <message>
      <source>Full text failed: %1</source>
      <translation>获取全文失败：%1</translation>
    </message>
    <message>
      <source>(will try again later)</source>
      <translation>（稍后重试）</translation>
    </message>
  </context>
</TS>
