(function(){
// One document's view, drawn from its data (report/data/<chunk>.js, written by flows/report/document.py).
// Every text is set as text: nothing from the corpus is parsed as markup.
const b=document.body,$=id=>document.getElementById(id),main=$('main');
const per=+main.dataset.chunk,q=new URLSearchParams(location.search).get('n'),n=q?+q:NaN;
function el(tag,cls,text){const e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;
 return e;}
function note(text){main.replaceChildren(el('p','note',text));}
const CTRL={};for(let c=0;c<32;c++)if(c!==9&&c!==10)CTRL[String.fromCharCode(c)]=String.fromCharCode(0x2400+c);
CTRL['\x7f']='\u2421';
const VIS=Object.assign({'\n':'\u21b5','\t':'\u21e5',' ':'\u00b7','\xa0':'\u237d','\u2028':'\u2936','\u2029':'\u00b6'},CTRL);
const BLANK=/^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;  // Python's str.isspace
const map=(text,table)=>text.replace(/[\x00-\x1f\x7f \xa0\u2028\u2029]/g,c=>table[c]||c);
const cut=text=>text.endsWith('\n')?text.slice(0,-1):text;
function draw(d){
 document.title=d.source;$('source').textContent=d.source;
 for(const [k,v] of d.meta){$('meta').append(el('dt',null,k),el('dd',null,v));}
 (d.links||[]).forEach(([name,href],i)=>{const a=el('a',null,name);a.href=href;if(i)$('links').append(' \u00b7 ');
  $('links').append(a);});
 if(!d.rows&&d.clean==null){note('No clean text for this document.');return;}
 main.replaceChildren();
 const E=d.edits||[];
 if(E.length||(d.fixes||[]).length){
  const det=el('details'),tb=el('tbody'),t=el('table','edits'),hr=el('tr');
  det.append(el('summary',null,E.length+' edits (line numbers of the input)'),t);
  for(const h of ['line','cleaner','rule','kind','reason'])hr.append(el('th',null,h));
  t.append(el('thead'),tb);t.firstChild.append(hr);
  for(const i of d.order){const [c,r,k,why,first,last,row]=E[i],tr=el('tr'),td=el('td');
   if(d.rows&&first!=null){const a=el('a',null,first===last?String(first):first+'-'+last);a.href='#L'+(row+1);
    td.append(a);}
   tr.append(td,el('td',null,c),el('td',null,r),el('td',null,k),el('td',null,why));tb.append(tr);}
  for(const f of d.fixes){const tr=el('tr'),td=el('td',null,f);td.colSpan=4;tr.append(el('td'),td);tb.append(tr);}
  main.append(det);}
 const tabs=el('div','tabs');
 for(const [type,id,value,label] of [['radio','','marked',' input with changes marked'],['radio','','clean',' clean text'],
  ['checkbox','hide-rm','',' hide removals'],['checkbox','hide-ws','',' hide whitespace edits']]){
  const l=el('label'),i=el('input');i.type=type;if(id)i.id=id;else{i.name='view';i.value=value;i.checked=value==='marked';}
  l.append(i,label);tabs.append(l);}
 main.append(tabs);
 const marked=el('section'),clean=el('pre','clean');marked.id='marked';clean.id='clean';
 if(d.rows){
  marked.className='doc';
  const anchors=new Set(E.map(e=>e[6])),seen=new Set(),out=[];
  d.rows.forEach((row,index)=>{
   const line=el('div','l'),tags=[];
   if(anchors.has(index))line.id='L'+(index+1);
   let gone=row.length>0;
   for(const p of row){
    if(typeof p==='string'){gone=false;out.push(p);line.append(cut(p));continue;}
    const [k,text,i]=p,e=E[i],blank=BLANK.test(text),x=el(k==='d'?'del':'ins');
    if(k!=='d'){gone=false;out.push(text);}
    x.textContent=blank?map(text,VIS):map(cut(text),CTRL);x.title=e[0]+' '+e[1];
    if(blank||e[2]==='whitespace')x.className='ws';
    line.append(x);
    if(!seen.has(i)){seen.add(i);tags.push(el('span','tag k-'+e[2],e[0]+' \u00b7 '+e[1]+': '+e[3]));}}
   if(gone)line.className='l gone';
   line.append(...tags);marked.append(line);});
  clean.textContent=out.join('')+(d.nl?'\n':'');clean.hidden=true;
 }else{
  marked.append(el('p','note','The input cannot be shown with the changes in place: '+d.problem+
   '. The clean text is shown instead.'));
  clean.textContent=d.clean;}
 main.append(marked,clean);
 const sw=(id,cls)=>$(id).addEventListener('change',e=>b.classList.toggle(cls,e.target.checked));
 sw('hide-rm','hide-rm');sw('hide-ws','hide-ws');
 document.querySelectorAll('input[name=view]').forEach(r=>r.addEventListener('change',()=>{
  marked.hidden=r.value!=='marked'&&r.checked;clean.hidden=r.value!=='clean'&&r.checked;}));
 const target=location.hash&&document.getElementById(location.hash.slice(1));
 if(target)target.scrollIntoView();}
window.reportChunk=(chunk,docs)=>{if(chunk!==Math.floor(n/per))return;const d=docs[n%per];
 if(d)draw(d);else note('This report has no document '+n+'.');};
if(!(Number.isInteger(n)&&n>=0&&per>0)){note('No document given: open this page from the run report.');return;}
const s=document.createElement('script');s.src='data/'+Math.floor(n/per)+'.js';
s.onerror=()=>note('The data of this page ('+s.src+') cannot be read: write the report again (boilerstrip report OUT).');
document.head.append(s);
})();
